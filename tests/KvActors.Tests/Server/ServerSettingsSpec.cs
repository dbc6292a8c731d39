using KvActors.Server;
using Xunit;

namespace KvActors.Tests.Server;

public sealed class ServerSettingsSpec
{
    [Theory]
    [InlineData(-2)]
    [InlineData(65536)]
    public void ServerSettings_should_refuse_a_resp_port_out_of_range(int port)
    {
        Assert.Throws<ArgumentException>(() => new ServerSettings { RespPort = port }.Validate());
    }

    [Fact]
    public void ServerSettings_should_refuse_the_same_port_for_remoting_and_resp()
    {
        Assert.Throws<ArgumentException>(() => new ServerSettings { Port = 7000, RespPort = 7000 }.Validate());
        new ServerSettings { RespPort = ServerSettings.RespDisabled }.Validate();
        new ServerSettings { Port = 0, RespPort = 0 }.Validate();
    }
}

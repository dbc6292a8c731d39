using Akka.Configuration;
using KvActors.Resp;
using KvActors.Server;
using KvActors.Tests.Infrastructure;
using Xunit;

namespace KvActors.Tests.Resp;

public sealed class RespSettingsSpec
{
    [Fact]
    public void RespSettings_should_read_the_shipped_configuration_as_the_documented_defaults()
    {
        Assert.Equal(new RespSettings(), RespSettings.FromConfig(ServerTestKit.ShippedConfig));
        Assert.Equal(6379, ServerSettings.FromConfig(ServerTestKit.ShippedConfig).RespPort);
    }

    [Fact]
    public void RespSettings_should_read_overrides()
    {
        var settings = RespSettings.FromConfig(ConfigurationFactory.ParseString("""
            kv.resp { max-clients = 5, idle-timeout = 30s, max-bulk-bytes = 1m, request-timeout = 2s }
            """));

        Assert.Equal((5, TimeSpan.FromSeconds(30), 1024 * 1024, TimeSpan.FromSeconds(2)),
            (settings.MaxClients, settings.IdleTimeout, settings.MaxBulkBytes, settings.RequestTimeout));
    }

    [Theory]
    [InlineData("kv.resp.max-clients = 0")]
    [InlineData("kv.resp.input-buffer-bytes = 1k")]
    [InlineData("kv.resp.request-timeout = 0s")]
    public void RespSettings_should_refuse_settings_out_of_range(string hocon)
    {
        Assert.Throws<ArgumentException>(() => RespSettings.FromConfig(ConfigurationFactory.ParseString(hocon)));
    }

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

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
}

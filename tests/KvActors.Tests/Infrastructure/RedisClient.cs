using System.Net;
using StackExchange.Redis;

namespace KvActors.Tests.Infrastructure;

/// <summary>StackExchange.Redis connected to a RESP endpoint, as an application would connect it.</summary>
public static class RedisClient
{
    public static Task<ConnectionMultiplexer> ConnectAsync(IPEndPoint endPoint, RedisProtocol protocol = RedisProtocol.Resp2)
    {
        var options = new ConfigurationOptions
        {
            AllowAdmin = true,
            AbortOnConnectFail = true,
            Protocol = protocol,
            ConnectTimeout = 15_000,
            SyncTimeout = 15_000,
            AsyncTimeout = 15_000,
        };
        options.EndPoints.Add(endPoint);
        return ConnectionMultiplexer.ConnectAsync(options);
    }
}

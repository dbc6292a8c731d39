using Akka.Configuration;
using KvActors.Protocol;

namespace KvActors.Client;

/// <summary>The HOCON of a client's ActorSystem, built in code so the client needs no configuration file.</summary>
internal static class ClientConfig
{
    /// <summary>
    /// How long remoting refuses to reconnect after a connection attempt failed. Short, because a client has one
    /// server and wants it back as soon as it restarts; while it lasts, calls fail fast instead of waiting.
    /// </summary>
    public static readonly TimeSpan RetryGate = TimeSpan.FromSeconds(1);

    public static Config Build(KvClientOptions options)
    {
        // Frames must fit the largest value the client may send or read; socket buffers are sized for ordinary values.
        var frameMaxValueBytes = options.MaxValueBytes ?? KvClientOptions.LargestMaxValueBytes;
        var bufferMaxValueBytes = Math.Min(options.MaxValueBytes ?? KvClientOptions.DefaultMaxValueBytes, KvClientOptions.DefaultMaxValueBytes);
        return ConfigurationFactory.ParseString($$"""
                akka {
                  loglevel = {{options.LogLevel}}
                  # Nothing on standard output: a program using the client (the kv CLI) may write binary values there.
                  stdout-loglevel = OFF
                  loggers = ["{{typeof(StandardErrorLogger).AssemblyQualifiedName}}"]
                  actor.provider = remote
                  remote {
                    log-remote-lifecycle-events = off
                    retry-gate-closed-for = {{(int)RetryGate.TotalMilliseconds}}ms
                    # DeathWatch on the front is there to learn that it stopped; a silent server already shows as
                    # call timeouts. When this pause runs out remoting quarantines the server's incarnation for good
                    # (this client could not talk to it again until it restarts), so it is far beyond any stall of a
                    # healthy server. A dropped connection is noticed at once regardless.
                    watch-failure-detector.acceptable-heartbeat-pause = 60s
                    dot-netty.tcp {
                      enforce-ip-family = true
                      dns-use-ipv6 = false
                    }
                  }
                }
                """)
            .WithFallback(RemotingConfig.Transport(options.Hostname, 0, frameMaxValueBytes, bufferMaxValueBytes))
            .WithFallback(ProtocolConfig.Default);
    }
}

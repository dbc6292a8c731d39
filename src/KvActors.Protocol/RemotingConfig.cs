using Akka.Configuration;

namespace KvActors.Protocol;

/// <summary>The Akka.Remote transport settings the <see cref="ProtocolLimits"/> imply, for servers and clients alike.</summary>
public static class RemotingConfig
{
    /// <summary>
    /// The dot-netty TCP transport bound to <paramref name="hostname"/>:<paramref name="port"/> whose frames fit
    /// values of <paramref name="frameMaxValueBytes"/> and whose socket buffers hold two frames sized for
    /// <paramref name="bufferMaxValueBytes"/>.
    /// </summary>
    public static Config Transport(string hostname, int port, int frameMaxValueBytes, int bufferMaxValueBytes)
    {
        var bufferBytes = 2 * ProtocolLimits.RemotingFrameBytes(bufferMaxValueBytes);
        return ConfigurationFactory.ParseString($$"""
                akka.remote.dot-netty.tcp {
                  hostname = "{{hostname}}"
                  port = {{port}}
                  maximum-frame-size = {{ProtocolLimits.RemotingFrameBytes(frameMaxValueBytes)}}b
                  send-buffer-size = {{bufferBytes}}b
                  receive-buffer-size = {{bufferBytes}}b
                }
                """);
    }
}

namespace KvActors.Host;

/// <summary>
/// Runs socket completions on the thread that polls the sockets instead of queueing each to the thread pool.
/// Every RESP request costs a receive and a send; on this 2-core machine the thread-pool hop per completion cost
/// about a quarter of the server's CPU per GET (28 µs instead of 37 µs, docs/performance.md). Safe here because no socket
/// continuation in this process blocks: the RESP loops hand work to actors and pipes, and Akka.Remote's transport
/// hands it to its own event loop. The runtime reads the switch once, when the first socket operation starts, so
/// it is set before anything opens a socket; an explicit setting in the environment wins.
/// </summary>
internal static class SocketCompletions
{
    private const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    public static void RunInline()
    {
        if (Environment.GetEnvironmentVariable(Variable) is null) Environment.SetEnvironmentVariable(Variable, "1");
    }
}

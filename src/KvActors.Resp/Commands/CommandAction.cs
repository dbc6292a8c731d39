using KvActors.Resp.Execution;
using KvActors.Resp.Protocol;

namespace KvActors.Resp.Commands;

/// <summary>What a command turned into. The connection decides when to run it so replies keep the request order.</summary>
internal abstract class CommandAction
{
    /// <summary>Answered by the RESP front itself (PING, ECHO, CLIENT ...).</summary>
    public sealed class Reply(RespValue value, bool closeConnection = false) : CommandAction
    {
        public RespValue Value { get; } = value;

        /// <summary>QUIT: close the connection once this reply is written.</summary>
        public bool CloseConnection { get; } = closeConnection;
    }

    /// <summary>One or more protocol requests to the front, known up front; MULTI can queue these.</summary>
    public sealed class Store(StorePlan plan) : CommandAction
    {
        public StorePlan Plan { get; } = plan;
    }

    /// <summary>Several round trips where each depends on the last (KEYS walks every scan page).</summary>
    public sealed class Sequence(Func<StoreClient, Task<RespValue>> run) : CommandAction
    {
        public Func<StoreClient, Task<RespValue>> Run { get; } = run;
    }

    public static CommandAction Of(RespValue value) => new Reply(value);

    public static CommandAction Of(StorePlan plan) => new Store(plan);
}

using KvActors.Protocol;

namespace KvActors.Server.Routing;

/// <summary>Where a request goes: <see cref="RequestRouter"/>'s decision, carried out by the front.</summary>
public abstract record Route
{
    private Route()
    {
    }

    /// <summary>The whole request belongs to one partition: forward it unchanged.</summary>
    public sealed record ToPartition(int Partition) : Route;

    /// <summary>The request cannot be served as asked (an atomic request across partitions).</summary>
    public sealed record Refused(KvError Error) : Route;

    /// <summary>Send each part to its partition, then combine the replies (in part order) into one.</summary>
    public sealed record Scatter(IReadOnlyList<Part> Parts, Func<IReadOnlyList<IKvReply>, IKvReply> Gather) : Route;

    public readonly record struct Part(int Partition, IKvRequest Request);
}

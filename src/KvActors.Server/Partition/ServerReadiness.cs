using System.Collections.Concurrent;
using Akka.Actor;

namespace KvActors.Server.Partition;

/// <summary>
/// Whether this node can serve: its front is up and every partition it hosts serves. The RESP listener answers
/// <c>-LOADING</c> while <see cref="IsLoading"/>; the host logs that it serves, and <c>/health/ready</c> says so, once
/// <see cref="IsReady"/>. One per ActorSystem (an Akka extension), updated by the front and the partition hosts.
/// </summary>
public sealed class ServerReadiness : IExtension
{
    private readonly ConcurrentDictionary<int, PartitionPhase> _phases = new();
    private readonly TaskCompletionSource _firstLoaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _frontStarted;

    public static ServerReadiness Get(ActorSystem system) => system.WithExtension<ServerReadiness, ServerReadinessProvider>();

    /// <summary>Partitions this node is expected to host before it is ready (all of them on a single node; none in a cluster, where sharding places them).</summary>
    public int ExpectedPartitions { get; private set; }

    /// <summary>The front is up (the partition layout is known) and expects <paramref name="partitions"/> local partitions.</summary>
    public void FrontStarted(int partitions)
    {
        ExpectedPartitions = partitions;
        _frontStarted = true;
        CheckReady();
    }

    public void Report(int partition, PartitionPhase phase)
    {
        _phases[partition] = phase;
        CheckReady();
    }

    public void Remove(int partition)
    {
        _phases.TryRemove(partition, out _);
        CheckReady();
    }

    /// <summary>The phase of every partition hosted here, by partition.</summary>
    public IReadOnlyDictionary<int, PartitionPhase> Phases => new SortedDictionary<int, PartitionPhase>(_phases);

    /// <summary>
    /// Still starting: the front is not up yet, or the partitions expected at start have not all finished loading.
    /// Only start-up: a partition that loads later (it moved here in a cluster, or its store restarts) makes only
    /// that partition's requests wait, never every request of the node.
    /// </summary>
    public bool IsLoading => !_firstLoaded.Task.IsCompleted;

    /// <summary>The front is up and every hosted partition serves.</summary>
    public bool IsReady => _frontStarted && _phases.Count >= ExpectedPartitions && _phases.Values.All(p => p == PartitionPhase.Serving);

    /// <summary>
    /// Completes the first time nothing is loading any more: every partition serves, or failed its start and is
    /// retried with backoff (it answers Unavailable meanwhile, and the log says why).
    /// </summary>
    public Task WhenFirstLoaded => _firstLoaded.Task;

    private void CheckReady()
    {
        var nothingLoading = _frontStarted && _phases.Count >= ExpectedPartitions && !_phases.Values.Any(p => p == PartitionPhase.Loading);
        if (nothingLoading) _firstLoaded.TrySetResult();
    }
}

public sealed class ServerReadinessProvider : ExtensionIdProvider<ServerReadiness>
{
    public override ServerReadiness CreateExtension(ExtendedActorSystem system) => new();
}

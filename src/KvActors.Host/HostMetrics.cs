using System.Diagnostics.Metrics;
using Akka.Actor;
using KvActors.Server;
using KvActors.Server.Partition;

namespace KvActors.Host;

/// <summary>This node's view as gauges on the <c>KvActors</c> meter: partitions it hosts (by phase) and cluster members.</summary>
internal static class HostMetrics
{
    public static void Register(ActorSystem system, bool clusterNode)
    {
        var readiness = ServerReadiness.Get(system);
        KvMetrics.Meter.CreateObservableGauge("partitions_hosted", () => Enum.GetValues<PartitionPhase>().Select(phase =>
                new Measurement<int>(readiness.Phases.Values.Count(p => p == phase), new KeyValuePair<string, object?>("phase", phase.ToString().ToLowerInvariant()))),
            description: "Partitions hosted by this node, by phase (loading, serving, down)");
        KvMetrics.Meter.CreateObservableGauge("cluster_members", () => clusterNode
                ? Akka.Cluster.Cluster.Get(system).State.Members.Count(m => m.Status == Akka.Cluster.MemberStatus.Up)
                : 1,
            description: "Up members of the cluster as this node sees them (1 on a single node)");
        KvMetrics.Meter.CreateObservableGauge("ready", () => readiness.IsReady ? 1 : 0, description: "1 when every hosted partition serves");
    }
}

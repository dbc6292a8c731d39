using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using KvActors.Replication;
using KvActors.Replication.Placement;

namespace KvActors.Cluster.Raft;

/// <summary>
/// Raft mode's placement controller, one per cluster (a cluster singleton on the oldest node). Every
/// <c>kv.raft.placement-interval</c> it asks every member's <see cref="ReplicationHost"/> what its replicas see
/// (<see cref="PlacementView"/>), notes since when each member replica has been missed, decides the round's moves
/// (<see cref="PlacementPlanner"/>), asks each group's leader to make them (<see cref="MoveReplica"/>), when none are
/// needed moves one leadership from the node leading the most groups (<see cref="BalanceLeader"/>), and has nodes
/// drop replicas their groups no longer count (<see cref="DropReplica"/>).
/// <para>
/// It holds nothing that matters: the truth of a group's membership is the group's own log, changed only by its
/// leader through Raft, and a new controller (after failover) learns it all again in one round. That is why there is
/// no metadata group: TiKV's placement driver likewise rebuilds its view from the regions' reports. What a new
/// controller loses is only how long it has missed a replica, so a dead node's replicas are replaced at most one
/// <c>replace-dead-after</c> later than they would have been.
/// </para>
/// </summary>
public sealed class PlacementController : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(1);

    private readonly ReplicationSettings _settings;
    private readonly int _replicas;
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<(int Partition, ulong Replica), DateTimeOffset> _missingSince = [];
    private readonly Dictionary<int, string> _announced = [];
    private bool _asking;

    public PlacementController(ReplicationSettings settings, int replicas)
    {
        _settings = settings;
        _replicas = replicas;
        Receive<Round>(_ => Ask());
        Receive<Answers>(OnAnswers);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(ReplicationSettings settings, int replicas) =>
        Akka.Actor.Props.Create(() => new PlacementController(settings, replicas));

    protected override void PreStart()
    {
        _log.Info("Placement controller started on this node: replicas missed for {0} are replaced on other nodes", _settings.ReplaceDeadAfter);
        Timers.StartPeriodicTimer(nameof(Round), Round.Instance, _settings.PlacementInterval);
    }

    private void Ask()
    {
        if (_asking) return;
        _asking = true;
        var members = _cluster.State.Members
            .Where(m => m.Status is MemberStatus.Up or MemberStatus.WeaklyUp or MemberStatus.Leaving or MemberStatus.Exiting)
            .Select(m => m.Address).ToArray();
        var asks = members.Select(async node =>
        {
            try
            {
                return await HostOn(node).Ask<PlacementView>(GetPlacementView.Instance, AskTimeout);
            }
            catch (Exception)
            {
                return null; // silent or failing: counts as not answering this round
            }
        }).ToArray();
        Task.WhenAll(asks).ContinueWith(t => new Answers(members.Length, t.IsCompletedSuccessfully ? t.Result.OfType<PlacementView>().ToArray() : []))
            .PipeTo(Self);
    }

    private void OnAnswers(Answers answers)
    {
        _asking = false;
        var now = DateTimeOffset.UtcNow;
        var missing = PlacementPlanner.Missing(answers.Views);
        foreach (var gone in _missingSince.Keys.Where(k => !missing.Contains(k)).ToArray()) _missingSince.Remove(gone);
        foreach (var replica in missing) _missingSince.TryAdd(replica, now);
        var lost = _missingSince.Where(m => now - m.Value >= _settings.ReplaceDeadAfter).Select(m => m.Key).ToHashSet();

        var leaders = PlacementPlanner.Leaders(answers.Views);
        var moves = PlacementPlanner.Plan(answers.Views, lost, _replicas, everyNodeAnswered: answers.Views.Count == answers.Asked);
        foreach (var move in moves)
        {
            if (!leaders.TryGetValue(move.Partition, out var leader)) continue;
            var said = $"{move.From}->{move.To}";
            if (!_announced.TryGetValue(move.Partition, out var before) || before != said)
            {
                _log.Info("Partition {0}: moving replica {1} to {2} ({3})", move.Partition, move.From == 0 ? "(none)" : move.From.ToString(),
                    move.To?.ToString() ?? "(none)", move.Why);
                _announced[move.Partition] = said;
            }

            HostOn(leader).Tell(move);
        }

        // Leaders are balanced only once replicas are: a move under way hands leaderships off itself.
        if (moves.Count == 0 && answers.Views.Count == answers.Asked && PlacementPlanner.LeaderMove(answers.Views) is { } balance &&
            leaders.TryGetValue(balance.Partition, out var from))
        {
            _log.Info("Partition {0}: moving the leadership to replica {1} ({2})", balance.Partition, balance.To, balance.Why);
            HostOn(from).Tell(balance);
        }

        foreach (var (node, drop) in PlacementPlanner.Strays(answers.Views))
        {
            _log.Info("Partition {0}: replica {1} on {2} is not in its group; dropping it", drop.Partition, drop.ReplicaId, node);
            HostOn(node).Tell(drop);
        }

        foreach (var done in _announced.Keys.Where(p => moves.All(m => m.Partition != p)).ToArray()) _announced.Remove(done);
    }

    private ActorSelection HostOn(Address node) => Context.ActorSelection(new RootActorPath(node) / "user" / ReplicationHost.Name);

    private sealed class Round
    {
        public static readonly Round Instance = new();
    }

    private sealed record Answers(int Asked, IReadOnlyList<PlacementView> Views);
}

using KvActors.Replication.Joining;
using Xunit;

namespace KvActors.Replication.Tests;

public sealed class IncarnationChoiceSpec
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_node_should_found_only_when_every_peer_answered_and_none_has_run()
    {
        Assert.IsType<IncarnationChoice.Wait>(IncarnationChoice.Decide(3, 2, [BootstrapState.Empty], Now));
        Assert.IsType<IncarnationChoice.Wait>(IncarnationChoice.Decide(3, 2, [BootstrapState.Empty, BootstrapState.NotReady], Now));
        Assert.IsType<IncarnationChoice.Found>(IncarnationChoice.Decide(3, 2, [BootstrapState.Empty, new BootstrapState(true, false, [1, 2, 3])], Now));
        Assert.IsType<IncarnationChoice.Found>(IncarnationChoice.Decide(1, 0, [], Now));
    }

    [Fact]
    public void A_node_should_rejoin_under_an_incarnation_no_replica_had_as_soon_as_one_peer_has_run()
    {
        var choice = Assert.IsType<IncarnationChoice.Rejoin>(IncarnationChoice.Decide(3, 2, [new BootstrapState(true, true, [1, 2, 3])], Now));
        Assert.True(choice.Incarnation >= 1);

        // Above any incarnation the peers know of, even one ahead of the clock.
        var ahead = 1L << 40;
        var known = 3 + ReplicaGroup.IncarnationStride * (ulong)ahead;
        var later = Assert.IsType<IncarnationChoice.Rejoin>(IncarnationChoice.Decide(3, 2, [new BootstrapState(true, true, [1, 2, known])], Now));
        Assert.Equal(ahead + 1, later.Incarnation);

        // And never below the clock's milliseconds: an attempt no peer applied is not reused.
        var next = Assert.IsType<IncarnationChoice.Rejoin>(IncarnationChoice.Decide(3, 2, [new BootstrapState(true, true, [1, 2, 3])], Now.AddMilliseconds(5)));
        Assert.Equal(choice.Incarnation + 5, next.Incarnation);
    }
}

using KvActors.Server.Ownership;
using Xunit;

namespace KvActors.Tests.Ownership;

public sealed class TakeoverSpec
{
    private static readonly LeaseSettings Lease = LeaseSettings.Default;
    private static readonly TimeSpan Seen = TimeSpan.FromSeconds(100);

    private static Takeover Decide(OwnershipRow? row, bool exclusive = false, TimeSpan? now = null) =>
        Takeover.Decide(row, "me", exclusive, Seen, now ?? Seen, Lease);

    [Fact]
    public void A_partition_never_owned_should_be_created_at_once() =>
        Assert.IsType<Takeover.Create>(Decide(null));

    [Fact]
    public void A_released_partition_should_be_taken_at_once() =>
        Assert.IsType<Takeover.Take>(Decide(new OwnershipRow("p", 3, null, 9)));

    [Fact]
    public void A_partition_this_process_held_should_be_taken_at_once() =>
        Assert.IsType<Takeover.Take>(Decide(new OwnershipRow("p", 3, "me", 9)));

    [Fact]
    public void The_holder_of_the_data_directory_lock_should_take_at_once() =>
        Assert.IsType<Takeover.Take>(Decide(new OwnershipRow("p", 3, "other", 9), exclusive: true));

    [Fact]
    public void Another_owner_should_be_waited_out_for_the_takeover_wait_since_its_lease_counter_was_first_seen()
    {
        var row = new OwnershipRow("p", 3, "other", 9);
        Assert.Equal(new Takeover.Wait(Seen + Lease.TakeoverWait), Decide(row, now: Seen + Lease.Duration));
        Assert.IsType<Takeover.Take>(Decide(row, now: Seen + Lease.TakeoverWait));
    }

    [Fact]
    public void The_takeover_wait_should_outlast_the_lease_an_owner_serves_under() =>
        Assert.True(Lease.TakeoverWait > Lease.Duration && Lease.RenewEvery < Lease.Duration / 2);

    [Fact]
    public void Lease_settings_should_come_from_kv_ownership()
    {
        var settings = LeaseSettings.FromConfig(Akka.Configuration.ConfigurationFactory.ParseString("lease = 4s, takeover-margin = 1s"));
        Assert.Equal(TimeSpan.FromSeconds(4), settings.Duration);
        Assert.Equal(TimeSpan.FromSeconds(5), settings.TakeoverWait);
        Assert.Equal(TimeSpan.FromSeconds(1), settings.RenewEvery);
    }
}

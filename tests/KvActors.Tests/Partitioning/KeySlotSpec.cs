using KvActors.Protocol;
using KvActors.Server.Partitioning;
using Xunit;

namespace KvActors.Tests.Partitioning;

public sealed class KeySlotSpec
{
    // Taken from a real redis-server in cluster mode (`redis-cli CLUSTER KEYSLOT <key>`, Redis 7): the slot function
    // must never change, or stored keys would be looked for in the wrong partition.
    [Theory]
    [InlineData("123456789", 12739)]
    [InlineData("somekey", 11058)]
    [InlineData("foo{hash_tag}", 2515)]
    [InlineData("{user1000}.following", 3443)]
    [InlineData("{user1000}.followers", 3443)]
    [InlineData("foo{}{bar}", 8363)]
    [InlineData("foo{{bar}}zap", 4015)]
    [InlineData("foo{bar}{zap}", 5061)]
    [InlineData("", 0)]
    [InlineData("é", 10180)]
    [InlineData("a", 15495)]
    [InlineData("user:1", 10778)]
    [InlineData("ключ", 10303)]
    [InlineData("{}", 15257)]
    [InlineData("{a", 10276)]
    public void KeySlot_should_match_Redis_Cluster(string key, int slot) => Assert.Equal(slot, KeySlot.Of(key));

    [Fact]
    public void KeySlot_should_hash_long_keys_like_short_ones()
    {
        var key = new string('k', 3000) + "{tag}";
        Assert.Equal(KeySlot.Of("{tag}"), KeySlot.Of(key));
    }

    [Fact]
    public void PartitionMap_should_split_the_slots_into_contiguous_equal_ranges()
    {
        var map = new PartitionMap(16);
        Assert.Equal(0, map.PartitionOfSlot(0));
        Assert.Equal(0, map.PartitionOfSlot(1023));
        Assert.Equal(1, map.PartitionOfSlot(1024));
        Assert.Equal(15, map.PartitionOfSlot(KeySlot.Count - 1));
        Assert.Equal(map.PartitionOf("{user1000}.following"), map.PartitionOf("{user1000}.followers"));
        Assert.Equal(0, new PartitionMap(1).PartitionOf("anything"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PartitionMap(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PartitionMap(KeySlot.Count + 1));
    }

    [Fact]
    public void PartitionMap_should_spread_keys_evenly()
    {
        var map = new PartitionMap(16);
        var counts = new int[16];
        for (var i = 0; i < 16_000; i++) counts[map.PartitionOf($"key:{i}")]++;
        Assert.All(counts, c => Assert.InRange(c, 800, 1200));
    }
}

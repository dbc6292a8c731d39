using System.Text;
using Akka.Actor;
using KvActors.Protocol;
using KvActors.Server;
using KvActors.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace KvActors.Tests.Store;

public sealed class StoreActorSpec(ITestOutputHelper output)
    : ServerTestKit(output, new ServerSettings { SnapshotEvery = 1000 })
{
    private static byte[] V(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void StoreActor_should_acknowledge_writes_and_recover_them_after_restart()
    {
        var front = StartFront();
        front.Tell(new Set("a", V("1")));
        Assert.Equal(1, ExpectMsg<Written>().Revision);
        front.Tell(new Set("b", V("2")));
        Assert.Equal(2, ExpectMsg<Written>().Revision);
        front.Tell(new Delete("a"));
        Assert.Equal(3, ExpectMsg<Deleted>().Revision);

        StopFront(front);
        front = StartFront();

        front.Tell(new Get("a"));
        Assert.Equal(ErrorCode.NotFound, ExpectMsg<KvError>().Code);
        front.Tell(new Get("b"));
        var found = ExpectMsg<Found>();
        Assert.Equal("2", Encoding.UTF8.GetString(found.Value));
        Assert.Equal(2, found.Revision);
        front.Tell(new Set("c", V("3")));
        Assert.Equal(4, ExpectMsg<Written>().Revision);
    }
}

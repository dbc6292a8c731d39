using Akka.Actor;
using Akka.Actor.Dsl;
using KvActors.Client;
using KvActors.Protocol;
using KvActors.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace KvActors.Tests.Client;

/// <summary>
/// What a client learns from the membership its server reports, against a front that only answers membership
/// requests (the three-node cluster specs use real members).
/// </summary>
public sealed class KvClientMembershipSpec(ITestOutputHelper output) : ClientTestKit(output)
{
    private static readonly TimeSpan QuickRefresh = TimeSpan.FromMilliseconds(100);

    private const string Elsewhere = "akka.tcp://kv@127.0.0.1:1";

    [Fact]
    public async Task KvClient_should_add_the_up_members_and_drop_them_once_they_are_gone()
    {
        var self = $"akka.tcp://kv@{ServerAddress}";
        var members = new ClusterMembers([new ClusterMember(self, "Up", [], true, []), new ClusterMember(Elsewhere, "Up", [], true, [])], self);
        Sys.ActorOf(dsl => dsl.ReceiveAny((_, context) => context.Sender.Tell(Volatile.Read(ref members))), "kv");
        await using var client = await ConnectAsync(new KvClientOptions { Timeout = TimeSpan.FromSeconds(5), MembershipRefresh = QuickRefresh });

        await AwaitAssertAsync(() => Assert.Equal([FrontPath, $"{Elsewhere}/user/kv"], client.Servers), TimeSpan.FromSeconds(10));

        Volatile.Write(ref members, members with { Members = [members.Members[0], members.Members[1] with { Status = "Down" }] });
        await AwaitAssertAsync(() => Assert.Equal([FrontPath], client.Servers), TimeSpan.FromSeconds(10));
        Assert.Equal(FrontPath, client.Server);
    }

    [Fact]
    public async Task KvClient_should_stop_asking_a_single_node_for_its_members()
    {
        var asked = CreateTestProbe();
        Sys.ActorOf(dsl => dsl.ReceiveAny((request, context) =>
        {
            asked.Ref.Tell(request);
            context.Sender.Tell(new KvError(ErrorCode.UnsupportedRequest, "this server is a single node"));
        }), "kv");
        await using var client = await ConnectAsync(new KvClientOptions { Timeout = TimeSpan.FromSeconds(5), MembershipRefresh = QuickRefresh });

        asked.ExpectMsg<GetClusterMembers>();
        // Still asking, it would have asked several more times by then.
        asked.ExpectNoMsg(QuickRefresh * 5);
        Assert.Equal([FrontPath], client.Servers);
    }

    [Fact]
    public async Task KvClient_should_not_ask_for_members_when_told_not_to()
    {
        var asked = CreateTestProbe();
        Sys.ActorOf(dsl => dsl.ReceiveAny((request, _) => asked.Ref.Tell(request)), "kv");
        await using var client = await ConnectAsync(new KvClientOptions { Timeout = TimeSpan.FromSeconds(5), MembershipRefresh = TimeSpan.Zero });

        asked.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        Assert.Equal([FrontPath], client.Servers);
    }
}

using Akka.Actor;
using Akka.Configuration;
using KvActors.Protocol;
using KvActors.Server;
using KvActors.Server.State;
using KvActors.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace KvActors.Tests.Front;

public sealed class KvFrontSpec(ITestOutputHelper output)
    : ServerTestKit(output, new ServerSettings { MaxValueBytes = 1024 })
{
    public static TheoryData<object, ErrorCode> BadRequests => new()
    {
        { new Set("", [1]), ErrorCode.InvalidKey },
        { new Get(null!), ErrorCode.InvalidKey },
        { new Set(new string('k', ProtocolLimits.MaxKeyBytes + 1), [1]), ErrorCode.InvalidKey },
        { new Set(new string('é', ProtocolLimits.MaxKeyBytes / 2 + 1), [1]), ErrorCode.InvalidKey }, // 2 UTF-8 bytes each
        { new Set("bad\ud800surrogate", [1]), ErrorCode.InvalidKey },
        { new Set("k", new byte[1025]), ErrorCode.ValueTooLarge },
        { new Create("k", null!), ErrorCode.InvalidArgument },
        { new Update("k", [1], ExpectedRevision: -1), ErrorCode.InvalidArgument },
        { new Delete("k", ExpectedRevision: -5), ErrorCode.InvalidArgument },
        { new Scan("", null, 0), ErrorCode.InvalidArgument },
        { new Scan("", null, Scan.MaxLimit + 1), ErrorCode.InvalidArgument },
        { new Scan(null!, null, 10), ErrorCode.InvalidArgument },
        { new Scan("p", "", 10), ErrorCode.InvalidKey },
        { new StaleRead(GetStats.Instance), ErrorCode.InvalidArgument },
        { new StaleRead(new Get("")), ErrorCode.InvalidKey },
        { "not a request", ErrorCode.UnsupportedRequest },
        { GetClusterMembers.Instance, ErrorCode.UnsupportedRequest }, // a single node is not a cluster member
        { GetPartitionReplicas.Instance, ErrorCode.UnsupportedRequest }, // only a Raft cluster has replicas
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public void KvFront_should_reject_bad_input_with_a_clear_error_and_keep_serving(object request, ErrorCode expected)
    {
        var front = StartFront();
        front.Tell(request);
        var error = ExpectMsg<KvError>();
        Assert.Equal(expected, error.Code);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));

        front.Tell(new Set("k", new byte[1024]));
        ExpectMsg<Written>();
        front.Tell(GetStats.Instance);
        Assert.Equal(1, ExpectMsg<StoreStats>().Keys);
    }

    [Fact]
    public void KvFront_should_accept_a_key_of_exactly_the_limit()
    {
        var front = StartFront();
        front.Tell(new Set(new string('k', ProtocolLimits.MaxKeyBytes), [1]));
        ExpectMsg<Written>();
    }

    [Fact]
    public async Task KvFront_should_serve_a_client_in_another_ActorSystem_over_remoting()
    {
        StartFront();
        var serverAddress = ((ExtendedActorSystem)Sys).Provider.DefaultAddress;
        var clientConfig = ConfigurationFactory.ParseString("""
                akka.actor.provider = remote
                akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
                akka.loglevel = WARNING
                """).WithFallback(ProtocolConfig.Default);
        using var client = ActorSystem.Create("client", clientConfig);
        try
        {
            var remoteFront = await client.ActorSelection($"{serverAddress}{KvAddress.FrontPath}")
                .ResolveOne(TimeSpan.FromSeconds(5));

            var written = await remoteFront.Ask<IKvReply>(new Set("remote", [1, 2, 3]), TimeSpan.FromSeconds(5));
            Assert.Equal(1, Assert.IsType<Written>(written).Revision);
            var found = Assert.IsType<Found>(await remoteFront.Ask<IKvReply>(new Get("remote"), TimeSpan.FromSeconds(5)));
            Assert.Equal(new byte[] { 1, 2, 3 }, found.Value);
            var tooBig = await remoteFront.Ask<IKvReply>(new Set("remote", new byte[2048]), TimeSpan.FromSeconds(5));
            Assert.Equal(ErrorCode.ValueTooLarge, Assert.IsType<KvError>(tooBig).Code);
        }
        finally
        {
            await client.Terminate();
        }
    }
}

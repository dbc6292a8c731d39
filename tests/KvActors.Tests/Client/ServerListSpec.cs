using Akka.Actor;
using KvActors.Client;
using KvActors.Client.Connection;
using KvActors.Protocol;
using Xunit;

namespace KvActors.Tests.Client;

/// <summary>Which servers a client may use once it has learned the cluster's members.</summary>
public sealed class ServerListSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly ActorPath A = ServerPath.Parse("127.0.0.1:4061");
    private static readonly ActorPath B = ServerPath.Parse("127.0.0.1:4062");
    private static readonly ActorPath C = ServerPath.Parse("127.0.0.1:4063");

    private static ClusterMember Member(string hostAndPort, string status) =>
        new($"akka.tcp://kv@{hostAndPort}", status, [], Reachable: true, []);

    [Fact]
    public void ServerList_should_add_the_up_members_after_the_given_servers_each_once()
    {
        var cluster = new ClusterMembers(
            [Member("127.0.0.1:4063", "Up"), Member("127.0.0.1:4061", "Up"), Member("127.0.0.1:4062", "Up")], Leader: null);

        Assert.Equal([B, A, C], ServerList.Candidates([B], cluster));
    }

    [Fact]
    public void ServerList_should_drop_members_that_are_not_up_but_keep_every_given_server()
    {
        var cluster = new ClusterMembers(
        [
            Member("127.0.0.1:4061", "Down"),
            Member("127.0.0.1:4062", "Up"),
            Member("127.0.0.1:4063", "Leaving"),
            Member("127.0.0.1:4064", "Joining"),
            Member("127.0.0.1:4065", "Removed"),
            new ClusterMember("garbage", "Up", [], true, []),
        ], Leader: null);

        Assert.Equal([A, B], ServerList.Candidates([A], cluster));
        Assert.Equal([A], ServerList.Candidates([A], new ClusterMembers([], null)));
    }

    [Fact]
    public void ServerList_should_keep_the_connections_it_knows_and_drop_those_of_members_gone()
    {
        var servers = new ServerList(Sys, [A, A]);
        Assert.Equal([A], servers.All.Select(c => c.Path));

        servers.Learn(new ClusterMembers([Member("127.0.0.1:4061", "Up"), Member("127.0.0.1:4062", "Up"), Member("127.0.0.1:4063", "Up")], null));
        Assert.Equal([A, B, C], servers.All.Select(c => c.Path));
        var b = servers.All[1];
        Assert.True(servers.Use(b));
        Assert.False(servers.Use(b));

        servers.Learn(new ClusterMembers([Member("127.0.0.1:4062", "Up")], null));
        Assert.Equal([A, B], servers.All.Select(c => c.Path));
        Assert.Same(b, servers.All[1]);
        Assert.Equal(1, servers.StartingWithCurrent().First);

        // The current server left the cluster: the next call starts from the first server again.
        servers.Learn(new ClusterMembers([], null));
        Assert.Equal([A], servers.All.Select(c => c.Path));
        Assert.Equal(0, servers.StartingWithCurrent().First);
    }
}

using KvActors.Client;
using Xunit;

namespace KvActors.Tests.Client;

public sealed class ServerPathSpec
{
    [Theory]
    [InlineData("127.0.0.1:4053", "akka.tcp://kv@127.0.0.1:4053/user/kv")]
    [InlineData(" db.example:9000 ", "akka.tcp://kv@db.example:9000/user/kv")]
    [InlineData("akka.tcp://kv@10.0.0.5:4053", "akka.tcp://kv@10.0.0.5:4053/user/kv")]
    [InlineData("akka.tcp://kv@10.0.0.5:4053/user/kv", "akka.tcp://kv@10.0.0.5:4053/user/kv")]
    public void ServerPath_should_accept_host_and_port_or_an_akka_address(string server, string expected) =>
        Assert.Equal(expected, ServerPath.Parse(server).ToString());

    // A member's address maps to the very path the user's HOST:PORT does, so a member the user named is one server.
    [Theory]
    [InlineData("akka.tcp://kv@127.0.0.1:4061", "127.0.0.1:4061")]
    [InlineData("akka.tcp://kv@db.example:9000", "db.example:9000")]
    [InlineData("akka.tcp://kv@10.0.0.5:4053/", "10.0.0.5:4053")]
    public void ServerPath_should_map_a_member_address_to_the_front_its_host_and_port_name(string member, string hostAndPort)
    {
        var path = ServerPath.FromMemberAddress(member);
        Assert.Equal($"akka.tcp://kv@{hostAndPort}/user/kv", path?.ToString());
        Assert.Equal(ServerPath.Parse(hostAndPort), path);
    }

    [Theory]
    [InlineData("127.0.0.1:4061")]
    [InlineData("akka://kv")]
    [InlineData("akka.tcp://kv@127.0.0.1:4061/user/other")]
    [InlineData("not an address")]
    [InlineData("")]
    public void ServerPath_should_ignore_what_is_not_a_member_address(string member) =>
        Assert.Null(ServerPath.FromMemberAddress(member));

    [Theory]
    [InlineData("localhost")]
    [InlineData("localhost:")]
    [InlineData(":4053")]
    [InlineData("localhost:70000")]
    [InlineData("localhost:port")]
    [InlineData("akka.tcp://kv")]
    public void ServerPath_should_reject_anything_else(string server) =>
        Assert.Throws<ArgumentException>(() => ServerPath.Parse(server));
}

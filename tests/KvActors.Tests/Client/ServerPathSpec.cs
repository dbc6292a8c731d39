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

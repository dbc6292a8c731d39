using Akka.Actor;
using Akka.TestKit;
using KvActors.Protocol;
using KvActors.Resp.Execution;
using KvActors.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace KvActors.Tests.Resp;

/// <summary>The RESP side's replacement for Ask: each request's reply reaches its own caller, once, or times out.</summary>
public sealed class StoreClientSpec(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit("akka.loglevel = WARNING", output)
{
    [Fact]
    public async Task StoreClient_should_give_each_caller_its_own_reply_whatever_order_they_come_back_in()
    {
        var front = CreateTestProbe();
        var client = new StoreClient(front.Ref, TimeSpan.FromSeconds(30));
        var first = client.AskAsync(new Get("a"));
        var second = client.AskAsync(new Get("b"));
        front.ExpectMsg<Get>(g => g.Key == "a");
        var firstSender = front.LastSender;
        front.ExpectMsg<Get>(g => g.Key == "b");
        var secondSender = front.LastSender;

        secondSender.Tell(new KvError(ErrorCode.NotFound, "b"));
        firstSender.Tell(new KvError(ErrorCode.NotFound, "a"));

        Assert.Equal("a", ((KvError)await first).Message);
        Assert.Equal("b", ((KvError)await second).Message);
    }

    [Fact]
    public async Task StoreClient_should_time_out_only_the_unanswered_requests_and_ignore_late_replies()
    {
        var front = CreateTestProbe();
        var client = new StoreClient(front.Ref, TimeSpan.FromMilliseconds(200));
        var unanswered = client.AskAsync(new Get("a"));
        var answered = client.AskAsync(new Get("b"));
        front.ExpectMsg<Get>();
        var late = front.LastSender;
        front.ExpectMsg<Get>();
        front.LastSender.Tell(new KvError(ErrorCode.NotFound, "b"));

        Assert.Equal(ErrorCode.Timeout, ((KvError)await unanswered.WaitAsync(TimeSpan.FromSeconds(5))).Code);
        Assert.Equal(ErrorCode.NotFound, ((KvError)await answered).Code);
        late.Tell(new KvError(ErrorCode.NotFound, "a"));
        Assert.Equal(ErrorCode.Timeout, ((KvError)await unanswered).Code);

        // The sweep stops when nothing is outstanding and starts again with the next request.
        await Eventually.TrueAsync(() => !client.IsSweeping, TimeSpan.FromSeconds(5));
        Assert.Equal(ErrorCode.Timeout, ((KvError)await client.AskAsync(new Get("c")).WaitAsync(TimeSpan.FromSeconds(5))).Code);
    }
}

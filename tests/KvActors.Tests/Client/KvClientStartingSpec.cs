using Akka.Actor;
using Akka.Actor.Dsl;
using KvActors.Client;
using KvActors.Protocol;
using KvActors.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace KvActors.Tests.Client;

/// <summary>
/// A server that is still starting: its remoting port is open before its front exists, and a partition being taken
/// over answers Unavailable without applying the request. The client waits for both within its timeout; a refusal
/// whose outcome is unknown is never sent again.
/// </summary>
public sealed class KvClientStartingSpec(ITestOutputHelper output) : ClientTestKit(output)
{
    [Fact]
    public async Task KvClient_should_wait_for_a_front_that_does_not_exist_yet()
    {
        // Remoting is up, the front is not: what a client sees in the first second of a server's start.
        var connecting = ConnectAsync(new KvClientOptions { Timeout = TimeSpan.FromSeconds(20) });
        await Task.Delay(TimeSpan.FromMilliseconds(700)); // the client has been told "no such actor" by now
        Assert.False(connecting.IsCompleted, "the client gave up on a server that is starting");
        StartFront();

        await using var client = await connecting;
        await client.SetAsync("starting:k", "v");
        Assert.Equal("v", (await client.GetAsync("starting:k")).ToUtf8String());
    }

    [Fact]
    public async Task KvClient_should_still_report_a_missing_front_when_its_timeout_runs_out()
    {
        // Long enough for a first "no such actor" answer to arrive on a busy machine. The try after the last answer
        // may get none in what is left of the timeout (in CI it did, at 4 s and at 10 s): the client must still say
        // the front is missing, since the server answered that it runs.
        var refused = await Assert.ThrowsAsync<KvUnavailableException>(() =>
            ConnectAsync(new KvClientOptions { Timeout = TimeSpan.FromSeconds(5) }));
        Assert.Contains("has no KvActors front", refused.Message);
        Assert.Contains("still starting?", refused.Message);
    }

    [Fact]
    public async Task KvClient_should_send_again_a_request_refused_as_not_applied()
    {
        var calls = 0;
        Sys.ActorOf(dsl => dsl.ReceiveAny((message, context) =>
        {
            if (message is not Get) return;
            context.Sender.Tell(++calls < 3
                ? new KvError(ErrorCode.Unavailable, "partition 0 is being taken over from its previous owner; the request was not applied, retry")
                : new Found("v"u8.ToArray(), 7));
        }), "kv");
        await using var client = await ConnectAsync(new KvClientOptions { Timeout = TimeSpan.FromSeconds(10) });

        var value = await client.GetAsync("k");
        Assert.Equal(7, value.Revision);
        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task KvClient_should_not_send_again_a_write_whose_outcome_is_unknown()
    {
        var calls = 0;
        Sys.ActorOf(dsl => dsl.ReceiveAny((message, context) =>
        {
            if (message is not Set) return;
            calls++;
            context.Sender.Tell(new KvError(ErrorCode.Unavailable, "storage failed before the write was acknowledged; its outcome is unknown, read before retrying"));
        }), "kv");
        await using var client = await ConnectAsync(new KvClientOptions { Timeout = TimeSpan.FromSeconds(10) });

        var refused = await Assert.ThrowsAsync<KvUnavailableException>(() => client.SetAsync("k", "v"));
        Assert.Contains("outcome is unknown", refused.Message);
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task KvClient_should_check_large_values_against_the_limit_the_server_reports()
    {
        var sets = 0;
        Sys.ActorOf(dsl => dsl.ReceiveAny((message, context) =>
        {
            switch (message)
            {
                case GetServerInfo:
                    context.Sender.Tell(new ServerInfo(3 * 1024 * 1024));
                    break;
                case Set:
                    context.Sender.Tell(new Written(++sets));
                    break;
            }
        }), "kv");
        await using var client = await ConnectAsync();

        // Over the default 1 MiB, under the server's 3 MiB: sent.
        Assert.Equal(1, await client.SetAsync("big", new byte[2 * 1024 * 1024]));
        var refused = await Assert.ThrowsAsync<KvValueTooLargeException>(() => client.SetAsync("big", new byte[3 * 1024 * 1024 + 1]));
        Assert.Equal($"value is {3 * 1024 * 1024 + 1} bytes, the server's limit is {3 * 1024 * 1024} (its --max-value-bytes)", refused.Message);
        Assert.Equal(1, sets);
    }
}

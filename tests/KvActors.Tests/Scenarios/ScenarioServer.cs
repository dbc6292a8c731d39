using Akka.Actor;
using Akka.TestKit;
using KvActors.Protocol;
using KvActors.Server;
using KvActors.Tests.Infrastructure;
using Xunit.Abstractions;

namespace KvActors.Tests.Scenarios;

/// <summary>
/// One real front and store on a fresh temporary SQLite data directory, built per scenario file so each file can
/// choose its own settings. Disposing it shuts the ActorSystem down and deletes the directory.
/// </summary>
public sealed class ScenarioServer : ServerTestKit
{
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(15);

    // Requests go out from their own probe: StartFront polls with GetStats from TestActor, and a poll that timed
    // out while the store recovered is answered late, so TestActor may hold stray StoreStats.
    private readonly TestProbe _client;
    private IActorRef _front = ActorRefs.Nobody;

    public ScenarioServer(ITestOutputHelper output, ServerSettings settings) : base(output, settings)
    {
        _client = CreateTestProbe("scenario-client");
    }

    /// <summary>Starts the front and waits until its store has recovered.</summary>
    public void Start() => _front = StartFront();

    /// <summary>Sends one request and waits for its reply.</summary>
    public IKvReply Send(IKvRequest request)
    {
        _front.Tell(request, _client.Ref);
        return _client.ExpectMsg<IKvReply>(ReplyTimeout);
    }

    /// <summary>Stops front and store, waits until they are gone, then starts them again from the journal.</summary>
    public void Restart()
    {
        // Same as ServerTestKit.StopFront, but watched from the probe for the reason given at _client.
        _client.Watch(_front);
        Sys.Stop(_front);
        _client.ExpectTerminated(_front, ReplyTimeout);
        Start();
    }
}

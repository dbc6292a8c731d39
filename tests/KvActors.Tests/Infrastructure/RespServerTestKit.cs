using System.Net;
using Akka.Actor;
using KvActors.Resp;
using KvActors.Server;
using KvActors.TestSupport;
using Xunit.Abstractions;

namespace KvActors.Tests.Infrastructure;

/// <summary>
/// A <see cref="ServerTestKit"/> with the RESP listener on 127.0.0.1 and a free port, in front of a real front and
/// store, wired as kv-server wires it.
/// </summary>
public abstract class RespServerTestKit : ServerTestKit
{
    protected RespServerTestKit(ITestOutputHelper output, ServerSettings? settings = null, RespSettings? resp = null)
        : base(output, settings)
    {
        Front = StartFront();
        Listener = RespListener.Start(Sys, Front, (resp ?? new RespSettings()) with { Host = "127.0.0.1", Port = 0 });
    }

    protected IActorRef Front { get; }

    protected RespListener Listener { get; }

    protected IPEndPoint EndPoint => Listener.EndPoint;

    protected Task<RawRespClient> ConnectAsync() => RawRespClient.ConnectAsync(EndPoint);

    protected override void AfterAll()
    {
        Listener.DisposeAsync().AsTask().GetAwaiter().GetResult();
        base.AfterAll();
    }
}

using System.Net;
using System.Text;
using Akka.Actor;
using Akka.Event;
using KvActors.Server.Partition;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace KvActors.Host;

/// <summary>
/// The operator's HTTP port (<c>--http-port</c>, default 8053): <c>/metrics</c> in Prometheus text format (prometheus-net
/// exporting the <c>KvActors</c> .NET meter and the process's runtime metrics), <c>/health/live</c> (200 while the
/// process runs) and <c>/health/ready</c> (200 only when the front is up and every hosted partition serves, 503
/// otherwise, with the partitions' phases in the body).
/// </summary>
internal sealed class HttpEndpoint : IAsyncDisposable
{
    public const int Disabled = -1;

    private readonly WebApplication _app;

    private HttpEndpoint(WebApplication app, IPEndPoint endPoint)
    {
        _app = app;
        EndPoint = endPoint;
    }

    public IPEndPoint EndPoint { get; }

    public static async Task<HttpEndpoint> StartAsync(ActorSystem system, string host, int port)
    {
        var readiness = ServerReadiness.Get(system);
        var bridge = new MeterBridge();
        system.RegisterOnTermination(bridge.Dispose);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var address = IPAddress.TryParse(host, out var ip) ? ip : (await Dns.GetHostAddressesAsync(host)).First();
        builder.WebHost.ConfigureKestrel(k => k.Listen(address, port));
        var app = builder.Build();

        app.MapGet("/health/live", () => Results.Text("live\n"));
        app.MapGet("/health/ready", () =>
        {
            var phases = readiness.Phases;
            var body = new StringBuilder(readiness.IsReady ? "ready\n" : "not ready\n");
            foreach (var (partition, phase) in phases) body.Append("partition ").Append(partition).Append(": ").Append(phase.ToString().ToLowerInvariant()).Append('\n');
            return Results.Text(body.ToString(), statusCode: readiness.IsReady ? 200 : 503);
        });
        app.MapGet("/metrics", async context =>
        {
            context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await Metrics.DefaultRegistry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted);
        });

        await app.StartAsync();
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var endPoint = new IPEndPoint(address, new Uri(bound).Port);
        Akka.Event.Logging.GetLogger(system, "http").Info("HTTP listening on {0} (/metrics, /health/live, /health/ready)", endPoint);
        var endpoint = new HttpEndpoint(app, endPoint);
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseServiceUnbind, "http-stop", async () =>
        {
            await endpoint.DisposeAsync();
            return Akka.Done.Instance;
        });
        return endpoint;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

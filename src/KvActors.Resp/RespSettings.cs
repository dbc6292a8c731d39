using Akka.Configuration;

namespace KvActors.Resp;

/// <summary>
/// How the RESP listener behaves. Host and port come from the server settings (<c>kv.host</c>, <c>kv.resp-port</c>);
/// the limits come from the <c>kv.resp</c> section of hocon/kv.conf. Defaults follow Redis where Redis has one.
/// </summary>
public sealed record RespSettings
{
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>
    /// Whether the server is still loading its data (its front not up yet, or a partition recovering): commands
    /// that need the store are then answered <c>-LOADING</c>, as Redis does while it loads. Null: never loading.
    /// </summary>
    public Func<bool>? IsLoading { get; init; }

    /// <summary>TCP port; 0 picks a free one (the bound port is on <see cref="RespListener.EndPoint"/>).</summary>
    public int Port { get; init; } = 6379;

    /// <summary>Connections beyond this are told <c>-ERR max number of clients reached</c> and closed (Redis maxclients).</summary>
    public int MaxClients { get; init; } = 10_000;

    /// <summary>Largest bulk string a request may declare (Redis proto-max-bulk-len). Values are further limited by the store.</summary>
    public int MaxBulkBytes { get; init; } = 512 * 1024 * 1024;

    /// <summary>Most arguments one command may declare.</summary>
    public int MaxArguments { get; init; } = 1024 * 1024;

    /// <summary>Close a connection that sent nothing and awaits nothing for this long; zero never closes (Redis timeout 0).</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.Zero;

    /// <summary>Commands of one connection sent to the store but not yet answered; past this the connection stops reading.</summary>
    public int MaxInFlightPerConnection { get; init; } = 1024;

    /// <summary>How long a command waits for the store; then it is answered <c>-ERR timeout ...</c>.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>SCAN cursors remembered server-wide; the oldest is forgotten first.</summary>
    public int MaxScanCursors { get; init; } = 10_000;

    /// <summary>Unread request bytes buffered per connection before the socket stops being read.</summary>
    public int InputBufferBytes { get; init; } = 1024 * 1024;

    /// <summary>Unsent reply bytes buffered per connection before replies stop being produced.</summary>
    public int OutputBufferBytes { get; init; } = 1024 * 1024;

    /// <summary>Reads the <c>kv.resp</c> section; missing keys keep their defaults.</summary>
    public static RespSettings FromConfig(Config config)
    {
        var resp = config.GetConfig("kv.resp") ?? Config.Empty;
        var d = new RespSettings();
        return new RespSettings
        {
            MaxClients = resp.GetInt("max-clients", d.MaxClients),
            MaxBulkBytes = Bytes(resp, "max-bulk-bytes", d.MaxBulkBytes),
            MaxArguments = resp.GetInt("max-arguments", d.MaxArguments),
            IdleTimeout = resp.GetTimeSpan("idle-timeout", d.IdleTimeout, allowInfinite: false),
            MaxInFlightPerConnection = resp.GetInt("max-in-flight-per-connection", d.MaxInFlightPerConnection),
            RequestTimeout = resp.GetTimeSpan("request-timeout", d.RequestTimeout, allowInfinite: false),
            MaxScanCursors = resp.GetInt("max-scan-cursors", d.MaxScanCursors),
            InputBufferBytes = Bytes(resp, "input-buffer-bytes", d.InputBufferBytes),
            OutputBufferBytes = Bytes(resp, "output-buffer-bytes", d.OutputBufferBytes),
        }.Validate();
    }

    /// <summary>Throws <see cref="ArgumentException"/> with a one-line reason if a setting is out of range.</summary>
    public RespSettings Validate()
    {
        if (Port is < 0 or > 65535) throw new ArgumentException($"resp-port must be 0..65535, got {Port}");
        Positive(MaxClients, "max-clients");
        Positive(MaxBulkBytes, "max-bulk-bytes");
        Positive(MaxArguments, "max-arguments");
        Positive(MaxInFlightPerConnection, "max-in-flight-per-connection");
        Positive(MaxScanCursors, "max-scan-cursors");
        // A request line (up to 64 KiB) must fit below the pause threshold, or a connection could stall on it.
        if (InputBufferBytes < 128 * 1024) throw new ArgumentException($"kv.resp.input-buffer-bytes must be at least 131072, got {InputBufferBytes}");
        Positive(OutputBufferBytes, "output-buffer-bytes");
        if (IdleTimeout < TimeSpan.Zero) throw new ArgumentException("kv.resp.idle-timeout must not be negative");
        if (RequestTimeout <= TimeSpan.Zero) throw new ArgumentException("kv.resp.request-timeout must be positive");
        return this;
    }

    private static void Positive(long value, string name)
    {
        if (value < 1) throw new ArgumentException($"kv.resp.{name} must be at least 1, got {value}");
    }

    private static int Bytes(Config config, string path, int fallback)
    {
        if (!config.HasPath(path)) return fallback;
        var bytes = config.GetByteSize(path) ?? fallback;
        if (bytes is < 1 or > int.MaxValue) throw new ArgumentException($"kv.resp.{path} must be 1..{int.MaxValue} bytes, got {bytes}");
        return (int)bytes;
    }
}

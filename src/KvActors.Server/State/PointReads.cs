using KvActors.Protocol;

namespace KvActors.Server.State;

/// <summary>Reads of one key against a view at a given time; expired keys read as absent.</summary>
internal static class PointReads
{
    public static IKvReply Get(IKeyView view, string key, long nowUnixMs) =>
        view.TryGet(key, out var r) && r.IsLiveAt(nowUnixMs)
            ? new Found(r.Value, r.Revision, r.ExpiresAtUnixMs)
            : new KvError(ErrorCode.NotFound, $"key '{key}' not found");

    public static IKvReply Exists(IKeyView view, string key, long nowUnixMs) =>
        view.TryGet(key, out var r) && r.IsLiveAt(nowUnixMs) ? new ExistsResult(true, r.Revision) : new ExistsResult(false, 0);

    /// <summary>The key's live record, if any.</summary>
    public static bool TryGetLive(this IKeyView view, string key, long nowUnixMs, out KeyRecord record) =>
        view.TryGet(key, out record) && record.IsLiveAt(nowUnixMs);
}

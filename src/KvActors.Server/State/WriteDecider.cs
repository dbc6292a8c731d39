using System.Buffers.Text;
using System.Globalization;
using System.Text;
using KvActors.Journal;
using KvActors.Protocol;

namespace KvActors.Server.State;

/// <summary>
/// Decides write commands: given a view of the keys and the current time, which events a command produces and what
/// its reply will be. Changes nothing; events are numbered from the view's latest revision. Pure functions only.
/// </summary>
internal sealed class WriteDecider(StoreLimits limits)
{
    public Decision Decide(IWriteCommand command, IKeyView view, long now) => command switch
    {
        Set c => DecideSet(c, view, now),
        Create c => DecideCreate(c, view, now),
        Update c => DecideUpdate(c, view, now),
        Delete c => DecideDelete(c, view, now),
        Increment c => DecideIncrement(c, view, now),
        IncrementFloat c => DecideIncrementFloat(c, view, now),
        Append c => DecideAppend(c, view, now),
        SetRange c => DecideSetRange(c, view, now),
        SetExpiry c => DecideSetExpiry(c, view, now),
        Rename c => DecideRename(c, view, now),
        Clear => Persist([new StoreCleared(view.LatestRevision + 1)], rev => new Deleted(rev)),
        Batch c => DecideBatch(c, view, now),
        _ => Decision.Reject(ErrorCode.UnsupportedRequest, $"unsupported write {command.GetType().Name}"),
    };

    private static Decision DecideSet(Set c, IKeyView view, long now)
    {
        var exists = view.TryGetLive(c.Key, now, out var current);
        if (Mismatch(c.Key, c.ExpectedRevision, exists, current) is { } reject) return reject;
        return Write(c.Key, c.Value, c.Expiry, exists, current, view, c.ReturnPrevious);
    }

    private static Decision DecideCreate(Create c, IKeyView view, long now)
    {
        if (view.TryGetLive(c.Key, now, out var current))
            return Decision.Reject(ErrorCode.AlreadyExists, $"key '{c.Key}' already exists at revision {current.Revision}");
        return Write(c.Key, c.Value, c.Expiry, false, current, view, returnPrevious: false);
    }

    private static Decision DecideUpdate(Update c, IKeyView view, long now)
    {
        if (!view.TryGetLive(c.Key, now, out var current)) return NotFound(c.Key);
        if (Mismatch(c.Key, c.ExpectedRevision, true, current) is { } reject) return reject;
        return Write(c.Key, c.Value, c.Expiry, true, current, view, c.ReturnPrevious);
    }

    private static Decision DecideDelete(Delete c, IKeyView view, long now)
    {
        if (!view.TryGetLive(c.Key, now, out var current)) return NotFound(c.Key);
        if (Mismatch(c.Key, c.ExpectedRevision, true, current) is { } reject) return reject;
        var revision = view.LatestRevision + 1;
        return new Decision([new KeyDeleted(c.Key, revision)], new Deleted(revision, c.ReturnPrevious ? current.Value : null));
    }

    private static Decision DecideIncrement(Increment c, IKeyView view, long now)
    {
        var exists = view.TryGetLive(c.Key, now, out var current);
        long value = 0;
        if (exists && !(Utf8Parser.TryParse(current.Value, out value, out var consumed) && consumed == current.Value.Length && current.Value.Length > 0))
            return Decision.Reject(ErrorCode.NotANumber, $"value of '{c.Key}' is not an integer");

        long result;
        try
        {
            result = checked(value + c.Delta);
        }
        catch (OverflowException)
        {
            return Decision.Reject(ErrorCode.Overflow, $"incrementing '{c.Key}' by {c.Delta} would overflow");
        }

        return Replace(c.Key, Encoding.ASCII.GetBytes(result.ToString(CultureInfo.InvariantCulture)), exists, current, view);
    }

    private static Decision DecideIncrementFloat(IncrementFloat c, IKeyView view, long now)
    {
        var exists = view.TryGetLive(c.Key, now, out var current);
        double value = 0;
        if (exists && !TryParseFloat(current.Value, out value))
            return Decision.Reject(ErrorCode.NotANumber, $"value of '{c.Key}' is not a valid float");

        var result = value + c.Delta;
        if (!double.IsFinite(result)) return Decision.Reject(ErrorCode.Overflow, "increment would produce NaN or Infinity");
        return Replace(c.Key, Encoding.ASCII.GetBytes(FormatFloat(result)), exists, current, view);
    }

    private Decision DecideAppend(Append c, IKeyView view, long now)
    {
        var exists = view.TryGetLive(c.Key, now, out var current);
        var old = exists ? current.Value : [];
        if ((long)old.Length + c.Suffix.Length > limits.MaxValueBytes) return TooLarge(c.Key);
        return Replace(c.Key, [.. old, .. c.Suffix], exists, current, view);
    }

    private Decision DecideSetRange(SetRange c, IKeyView view, long now)
    {
        var exists = view.TryGetLive(c.Key, now, out var current);
        var old = exists ? current.Value : [];
        if (c.Bytes.Length == 0) return Decision.NoChange(new Found(old, exists ? current.Revision : 0, exists ? current.ExpiresAtUnixMs : null));
        if (c.Offset + c.Bytes.Length > limits.MaxValueBytes) return TooLarge(c.Key);

        var value = new byte[Math.Max(old.Length, c.Offset + c.Bytes.Length)];
        old.CopyTo(value, 0);
        c.Bytes.CopyTo(value, (int)c.Offset);
        return Replace(c.Key, value, exists, current, view);
    }

    private static Decision DecideSetExpiry(SetExpiry c, IKeyView view, long now)
    {
        if (!view.TryGetLive(c.Key, now, out var current)) return NotFound(c.Key);

        var had = current.ExpiresAtUnixMs;
        var allowed = c.Condition switch
        {
            ExpiryCondition.IfNone => had is null,
            ExpiryCondition.IfAny => had is not null,
            ExpiryCondition.IfLater => had is { } h1 && c.AtUnixMs is { } n1 && n1 > h1,
            ExpiryCondition.IfEarlier => c.AtUnixMs is { } n2 && (had is not { } h2 || n2 < h2),
            _ => true,
        };
        if (!allowed || (c.AtUnixMs is null && had is null)) return Decision.NoChange(new ExpiryResult(false, current.Revision));

        var revision = view.LatestRevision + 1;
        IKvEvent change = c.AtUnixMs is { } at && at <= now
            ? new KeyDeleted(c.Key, revision)
            : new KeyExpiryChanged(c.Key, c.AtUnixMs, revision);
        return new Decision([change], new ExpiryResult(true, revision));
    }

    private static Decision DecideRename(Rename c, IKeyView view, long now)
    {
        if (!view.TryGetLive(c.Key, now, out var current)) return NotFound(c.Key);
        var targetExists = view.TryGetLive(c.NewKey, now, out _);
        if (c.OnlyIfAbsent && targetExists)
            return Decision.Reject(ErrorCode.AlreadyExists, $"key '{c.NewKey}' already exists");
        if (c.Key == c.NewKey) return Decision.NoChange(new Written(current.Revision));

        var first = view.LatestRevision + 1;
        return new Decision(
            [new KeyDeleted(c.Key, first), new KeyWritten(c.NewKey, current.Value, first + 1, current.ExpiresAtUnixMs)],
            new Written(first + 1));
    }

    private Decision DecideBatch(Batch c, IKeyView view, long now)
    {
        var overlay = new KeyOverlay(view);
        var events = new List<IKvEvent>();
        var replies = new List<IKvReply>(c.Requests.Count);
        foreach (var request in c.Requests)
        {
            var step = request switch
            {
                Batch inner => DecideBatch(inner, overlay, now), // one level deep: the front refuses deeper nesting
                IWriteCommand write => Decide(write, overlay, now),
                Get q => Decision.NoChange(PointReads.Get(overlay, q.Key, now)),
                Exists q => Decision.NoChange(PointReads.Exists(overlay, q.Key, now)),
                _ => Decision.Reject(ErrorCode.UnsupportedRequest, $"{request.GetType().Name} is not allowed in a batch"),
            };
            if (step.IsRejected && c.AllOrNothing) return step;

            foreach (var e in step.Events)
            {
                overlay.Accept(e);
                events.Add(e);
            }

            replies.Add(step.Reply);
        }

        return new Decision(events, new BatchResult(replies));
    }

    /// <summary>A write of a value computed from the old one: keeps the key's TTL, replies with the new value.</summary>
    private static Decision Replace(string key, byte[] value, bool exists, KeyRecord current, IKeyView view)
    {
        var revision = view.LatestRevision + 1;
        var expiry = exists ? current.ExpiresAtUnixMs : null;
        return new Decision([new KeyWritten(key, value, revision, expiry)], new Found(value, revision, expiry));
    }

    private static Decision Write(
        string key, byte[] value, Expiry expiry, bool exists, KeyRecord current, IKeyView view, bool returnPrevious)
    {
        var revision = view.LatestRevision + 1;
        var expiresAt = expiry.KeepExisting ? (exists ? current.ExpiresAtUnixMs : null) : expiry.AtUnixMs;
        var previous = returnPrevious && exists ? current.Value : null;
        return new Decision([new KeyWritten(key, value, revision, expiresAt)], new Written(revision, previous));
    }

    private static Decision Persist(IKvEvent[] events, Func<long, IKvReply> reply) => new(events, reply(events[^1].Revision));

    // Expected revision 0 means "the key must not exist".
    private static Decision? Mismatch(string key, long? expected, bool exists, KeyRecord current)
    {
        var actualRevision = exists ? current.Revision : 0;
        if (expected is not { } e || e == actualRevision) return null;
        var actual = exists ? $"is at revision {actualRevision}" : "does not exist";
        return Decision.Reject(ErrorCode.RevisionMismatch, $"key '{key}' {actual}, expected revision {e}");
    }

    private static Decision NotFound(string key) => Decision.Reject(ErrorCode.NotFound, $"key '{key}' not found");

    private Decision TooLarge(string key) =>
        Decision.Reject(ErrorCode.ValueTooLarge, $"value of '{key}' would exceed {limits.MaxValueBytes} bytes");

    private static bool TryParseFloat(byte[] bytes, out double value) =>
        double.TryParse(Encoding.ASCII.GetString(bytes), NumberStyles.Float, CultureInfo.InvariantCulture, out value)
        && double.IsFinite(value) && bytes.Length > 0 && !char.IsWhiteSpace((char)bytes[0]) && !char.IsWhiteSpace((char)bytes[^1]);

    // Shortest text that reads back as the same double, without exponent notation (as Redis prints it).
    private static string FormatFloat(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        if (!text.Contains('E')) return text;
        return value.ToString("0.#################################", CultureInfo.InvariantCulture);
    }
}

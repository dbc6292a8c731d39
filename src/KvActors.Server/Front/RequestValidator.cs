using System.Text;
using KvActors.Protocol;
using KvActors.Server.State;

namespace KvActors.Server.Front;

/// <summary>Rejects malformed requests at the edge, before they cost a store anything.</summary>
public sealed class RequestValidator(StoreLimits limits)
{
    /// <summary>Requests in one batch: one journal write, so bounded like a single large value.</summary>
    public const int MaxBatchRequests = 10_000;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Returns the error to reply with, or null if the request may proceed.</summary>
    public KvError? Validate(IKvRequest request) => request switch
    {
        Set r => Key(r.Key) ?? Value(r.Value) ?? Revision(r.ExpectedRevision),
        Create r => Key(r.Key) ?? Value(r.Value),
        Update r => Key(r.Key) ?? Value(r.Value) ?? Revision(r.ExpectedRevision),
        Delete r => Key(r.Key) ?? Revision(r.ExpectedRevision),
        Increment r => Key(r.Key),
        IncrementFloat r => Key(r.Key) ?? (double.IsFinite(r.Delta) ? null : new KvError(ErrorCode.InvalidArgument, "increment must be a finite number")),
        Append r => Key(r.Key) ?? Value(r.Suffix),
        SetRange r => Key(r.Key) ?? Value(r.Bytes) ?? RangeOffset(r.Offset),
        SetExpiry r => Key(r.Key),
        Rename r => Key(r.Key) ?? Key(r.NewKey),
        Clear => null,
        Batch r => BatchArguments(r),
        Get r => Key(r.Key),
        Exists r => Key(r.Key),
        Scan r => ScanArguments(r),
        RandomKey => null,
        StaleRead r => StaleRead.Allows(r.Query)
            ? Validate(r.Query)
            : new KvError(ErrorCode.InvalidArgument, $"only Get, Exists, Scan and RandomKey can be read stale, not {r.Query.GetType().Name}"),
        GetStats => null,
        GetServerInfo => null,
        GetPartitionReplicas => null,
        ReadBackup r => r.Partition < 0 || r.Session < 0 || r.Position < 0
            ? new KvError(ErrorCode.InvalidArgument, $"backup read needs a partition, session and position of 0 or more, got {r.Partition}, {r.Session}, {r.Position}")
            : null,
        IMembershipRequest => null,
        _ => new KvError(ErrorCode.UnsupportedRequest, $"unsupported request {request.GetType().Name}"),
    };

    private static KvError? Key(string? key)
    {
        if (string.IsNullOrEmpty(key)) return new KvError(ErrorCode.InvalidKey, "key must not be empty");
        var bytes = Utf8Length(key);
        if (bytes < 0) return new KvError(ErrorCode.InvalidKey, "key is not valid Unicode text");
        if (bytes > ProtocolLimits.MaxKeyBytes)
            return new KvError(ErrorCode.InvalidKey, $"key is {bytes} bytes, the limit is {ProtocolLimits.MaxKeyBytes}");
        return null;
    }

    private KvError? Value(byte[]? value)
    {
        if (value is null) return new KvError(ErrorCode.InvalidArgument, "value must not be null");
        if (value.Length > limits.MaxValueBytes)
            return new KvError(ErrorCode.ValueTooLarge, $"value is {value.Length} bytes, the limit is {limits.MaxValueBytes}");
        return null;
    }

    private static KvError? Revision(long? expected) => expected < 0
        ? new KvError(ErrorCode.InvalidArgument, $"expected revision must be 0 or more, got {expected}")
        : null;

    private KvError? RangeOffset(long offset) => offset < 0 || offset > limits.MaxValueBytes
        ? new KvError(ErrorCode.InvalidArgument, $"offset must be between 0 and {limits.MaxValueBytes}, got {offset}")
        : null;

    // One level of nesting: a transaction (MULTI/EXEC) may hold an all-or-nothing step such as MSETNX.
    private KvError? BatchArguments(Batch batch, bool nested = false)
    {
        if (batch.Requests is null || batch.Requests.Count == 0) return new KvError(ErrorCode.InvalidArgument, "a batch needs at least one request");
        if (batch.Requests.Count > MaxBatchRequests)
            return new KvError(ErrorCode.InvalidArgument, $"a batch holds at most {MaxBatchRequests} requests, got {batch.Requests.Count}");
        foreach (var request in batch.Requests)
        {
            var error = request is Batch inner
                ? nested ? new KvError(ErrorCode.UnsupportedRequest, "batches nest only one level deep") : BatchArguments(inner, nested: true)
                : Validate(request);
            if (error is not null) return error;
        }

        return null;
    }

    private static KvError? ScanArguments(Scan scan)
    {
        if (scan.Prefix is null) return new KvError(ErrorCode.InvalidArgument, "scan prefix must not be null (use \"\" for all keys)");
        if (scan.Prefix.Length > 0 && Key(scan.Prefix) is { } badPrefix) return badPrefix with { Message = "prefix: " + badPrefix.Message };
        if (scan.After is not null && Key(scan.After) is { } badCursor) return badCursor with { Message = "cursor: " + badCursor.Message };
        if (scan.Limit is < 1 or > Scan.MaxLimit)
            return new KvError(ErrorCode.InvalidArgument, $"scan limit must be between 1 and {Scan.MaxLimit}, got {scan.Limit}");
        return null;
    }

    // -1 for text with unpaired surrogates, which has no UTF-8 form.
    private static int Utf8Length(string text)
    {
        try
        {
            return StrictUtf8.GetByteCount(text);
        }
        catch (EncoderFallbackException)
        {
            return -1;
        }
    }
}

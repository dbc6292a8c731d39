using KvActors.Protocol;
using KvActors.Resp.Protocol;

namespace KvActors.Resp.Commands;

/// <summary>Readings of store replies that many commands share.</summary>
internal static class StoreReplies
{
    /// <summary>A reply the contract does not allow here: reported, never guessed at.</summary>
    public static RespValue Unexpected(IKvReply reply) =>
        RespValue.Error($"ERR unexpected reply {reply.GetType().Name} from the store");

    /// <summary>GET's reading: the value, nil for a missing key.</summary>
    public static RespValue ValueOrNil(IKvReply reply) => reply switch
    {
        Found found => RespValue.Bulk(found.Value),
        KvError { Code: ErrorCode.NotFound } => RespValue.Null,
        KvError error => RespErrors.From(error),
        _ => Unexpected(reply),
    };

    /// <summary>+OK for a durable write.</summary>
    public static RespValue Ok(IKvReply reply) => reply switch
    {
        Written or Deleted => RespValue.Ok,
        KvError error => RespErrors.From(error),
        _ => Unexpected(reply),
    };

    /// <summary>The first error in <paramref name="replies"/>, other than an <paramref name="allowed"/> one, as a reply.</summary>
    public static RespValue? FirstError(IReadOnlyList<IKvReply> replies, ErrorCode? allowed = null)
    {
        foreach (var reply in replies)
        {
            if (reply is KvError error && error.Code != allowed) return RespErrors.From(error);
        }

        return null;
    }
}

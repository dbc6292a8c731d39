using KvActors.Resp.Protocol;

namespace KvActors.Resp.Connection;

/// <summary>
/// A reply owed to the client, in request order: ready at once for local commands, still running for store
/// commands. It carries the RESP version to encode it in (HELLO changes it for the replies after its own).
/// </summary>
internal readonly record struct PendingReply(ValueTask<RespValue> Reply, RespVersion Version, bool CloseAfter = false);

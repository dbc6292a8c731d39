namespace KvActors.Resp.Protocol;

/// <summary>
/// The request stream cannot be parsed. The connection answers <c>-ERR Protocol error: {Message}</c> and closes,
/// as Redis does: after a framing error there is no safe place to resume.
/// </summary>
internal sealed class RespProtocolException(string message) : Exception(message);

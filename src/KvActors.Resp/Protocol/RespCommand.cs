namespace KvActors.Resp.Protocol;

/// <summary>One parsed request: the command name followed by its arguments, as raw bytes.</summary>
internal readonly record struct RespCommand(byte[][] Args);

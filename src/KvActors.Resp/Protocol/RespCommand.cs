namespace KvActors.Resp.Protocol;

/// <summary>One parsed request: the command name followed by its arguments, as raw bytes.</summary>
public readonly record struct RespCommand(byte[][] Args);

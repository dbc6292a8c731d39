namespace KvActors.Resp.Protocol;

/// <summary>The reply dialect a connection speaks: RESP2 until the client sends <c>HELLO 3</c>.</summary>
internal enum RespVersion
{
    Resp2 = 2,
    Resp3 = 3,
}

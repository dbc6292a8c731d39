namespace KvActors.Resp.Commands;

/// <summary>
/// A command cannot be translated (bad arity, syntax, a number that is not one). Thrown while a command is turned
/// into requests, before anything is sent; the client gets <see cref="Exception.Message"/> as an error reply.
/// </summary>
internal sealed class CommandException(string error) : Exception(error);

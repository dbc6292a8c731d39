using Akka.Actor;
using Akka.Event;

namespace KvActors.Client;

/// <summary>
/// Akka's console logger writes to standard output; this one writes to standard error, so the client never
/// mixes log lines into a program's output.
/// </summary>
internal sealed class StandardErrorLogger : ActorBase, Akka.Dispatch.IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    protected override bool Receive(object message)
    {
        switch (message)
        {
            case InitializeLogger:
                Sender.Tell(new LoggerInitialized());
                return true;
            case LogEvent logEvent:
                Console.Error.WriteLine(logEvent.ToString());
                return true;
            default:
                return false;
        }
    }
}

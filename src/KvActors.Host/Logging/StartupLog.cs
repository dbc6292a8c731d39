namespace KvActors.Host.Logging;

/// <summary>
/// Log lines from before the ActorSystem (and its <see cref="ConsoleLogger"/>) exists, such as a long integrity
/// check's progress, in the same one-line format.
/// </summary>
internal static class StartupLog
{
    public static void Info(string message) =>
        Console.Out.WriteLine($"{DateTime.Now:HH:mm:ss.fff} INFO  storage: {message.ReplaceLineEndings(" ")}");
}

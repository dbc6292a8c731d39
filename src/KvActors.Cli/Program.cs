using KvActors.Cli;

await using var stdin = Console.OpenStandardInput();
await using var stdout = Console.OpenStandardOutput();
return await KvCli.RunAsync(args, stdin, stdout, Console.Error, interactive: !Console.IsInputRedirected);

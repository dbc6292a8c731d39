using BenchmarkDotNet.Running;

// Micro-benchmarks of the hot paths; see bench/README.md for the commands. Always run in Release.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

using Xunit;

namespace KvActors.EndToEnd.Tests;

/// <summary>Specs that start server processes run one at a time: the machine has two cores.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EndToEndCollection
{
    public const string Name = "end-to-end";
}

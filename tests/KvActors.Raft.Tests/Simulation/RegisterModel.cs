using System.Diagnostics.CodeAnalysis;
using KvActors.TestSupport.Linearizability;

namespace KvActors.Raft.Tests.Simulation;

/// <summary>The sequential specification of the simulated store: one register per key; "" stands for absent.</summary>
internal sealed class RegisterModel : ISequentialModel<SimOperation, string>
{
    public string Initial => "";

    public string PartitionOf(SimOperation operation) => operation.Key;

    public bool TryStep(string state, SimOperation operation, [MaybeNullWhen(false)] out string next)
    {
        if (operation.IsWrite)
        {
            next = operation.Value!;
            return true;
        }

        next = state;
        return (operation.Value ?? "") == state;
    }
}

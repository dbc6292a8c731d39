namespace KvActors.TestSupport.Linearizability;

/// <summary>A set of operation indexes as a bitset: which operations a partial linearization already holds.</summary>
internal sealed class OperationSet : IEquatable<OperationSet>
{
    private readonly ulong[] _words;

    public OperationSet(int capacity) => _words = new ulong[(capacity + 63) / 64];

    private OperationSet(ulong[] words) => _words = words;

    public void Add(int index) => _words[index >> 6] |= 1UL << (index & 63);

    public void Remove(int index) => _words[index >> 6] &= ~(1UL << (index & 63));

    public OperationSet Copy() => new((ulong[])_words.Clone());

    public bool Equals(OperationSet? other) => other is not null && _words.AsSpan().SequenceEqual(other._words);

    public override bool Equals(object? obj) => Equals(obj as OperationSet);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var word in _words) hash.Add(word);
        return hash.ToHashCode();
    }
}

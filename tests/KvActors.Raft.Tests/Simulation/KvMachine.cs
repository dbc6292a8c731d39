using System.Text;

namespace KvActors.Raft.Tests.Simulation;

/// <summary>
/// The state machine the simulated replicas replicate: a map of keys to values. Each write carries its client
/// operation id and applies once (a forwarded proposal may be duplicated by the network, as a client retry would).
/// </summary>
internal sealed class KvMachine
{
    private readonly SortedDictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<int> _applied = [];

    public ulong AppliedIndex { get; private set; }

    public string? Get(string key) => _values.GetValueOrDefault(key);

    /// <summary>Applies a committed entry; returns the write's operation id if it took effect now.</summary>
    public int? Apply(Entry entry)
    {
        AppliedIndex = entry.Index;
        if (entry.Type != EntryType.Normal || entry.Data.Length == 0) return null;
        var (id, key, value) = Decode(entry.Data);
        if (!_applied.Add(id)) return null;
        _values[key] = value;
        return id;
    }

    public static byte[] Encode(int id, string key, string value) => Encoding.UTF8.GetBytes($"{id}|{key}|{value}");

    public static (int Id, string Key, string Value) Decode(byte[] data)
    {
        var parts = Encoding.UTF8.GetString(data).Split('|');
        return (int.Parse(parts[0]), parts[1], parts[2]);
    }

    public byte[] TakeSnapshot()
    {
        var text = new StringBuilder();
        text.Append("ops:").Append(string.Join(",", _applied.Order())).Append('\n');
        foreach (var (k, v) in _values) text.Append(k).Append('=').Append(v).Append('\n');
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    public void Restore(byte[] data, ulong index)
    {
        _values.Clear();
        _applied.Clear();
        AppliedIndex = index;
        if (data.Length == 0) return;
        var lines = Encoding.UTF8.GetString(data).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var id in lines[0]["ops:".Length..].Split(',', StringSplitOptions.RemoveEmptyEntries)) _applied.Add(int.Parse(id));
        foreach (var line in lines.Skip(1))
        {
            var eq = line.IndexOf('=');
            _values[line[..eq]] = line[(eq + 1)..];
        }
    }
}

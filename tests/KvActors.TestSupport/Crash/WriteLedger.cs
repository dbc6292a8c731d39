namespace KvActors.TestSupport.Crash;

/// <summary>
/// Every write sent to a set of keys each owned by one sequential writer: per key, the last acknowledged write and
/// the writes sent after it whose outcome is unknown (in flight when the server died). Values are unique, so a
/// stored value names the one write that produced it. Thread-safe.
/// </summary>
public sealed class WriteLedger
{
    private readonly Dictionary<string, KeyLedger> _keys = new(StringComparer.Ordinal);

    public int Acknowledged { get; private set; }

    /// <summary>A write is about to be sent; <paramref name="value"/> null is a delete.</summary>
    public void Attempt(string key, string? value)
    {
        lock (_keys)
        {
            if (!_keys.TryGetValue(key, out var entry)) _keys[key] = entry = new KeyLedger();
            entry.Attempted.Add(value ?? "");
            entry.Unconfirmed.Add(value);
        }
    }

    /// <summary>The server acknowledged the write (a delete also when the key was already absent).</summary>
    public void Acknowledge(string key, string? value, long? revision)
    {
        lock (_keys)
        {
            var entry = _keys[key];
            entry.Acked = (value, revision);
            entry.Unconfirmed.Clear();
            Acknowledged++;
        }
    }

    /// <summary>
    /// Checks what the store holds (<paramref name="stored"/>: every key outside the ledger's concern left out, with
    /// value and revision) against the ledger, then takes it as the new baseline: writes still unconfirmed can no
    /// longer land once their server is dead.
    /// </summary>
    public LedgerCheck Verify(IReadOnlyDictionary<string, (string Value, long Revision)> stored)
    {
        var check = new LedgerCheck();
        lock (_keys)
        {
            foreach (var key in stored.Keys.Where(k => !_keys.ContainsKey(k)))
                check.Problems.Add($"{key}: holds '{stored[key].Value}' but was never written");

            foreach (var (key, entry) in _keys)
            {
                var found = stored.TryGetValue(key, out var s) ? ((string? Value, long? Revision))(s.Value, s.Revision) : (null, null);
                check.Unconfirmed += entry.Unconfirmed.Count;
                if (found.Value == entry.Acked.Value)
                {
                    if (found.Value is not null && entry.Acked.Revision is { } acked && found.Revision != acked)
                        check.Problems.Add($"{key}: acknowledged '{found.Value}' at revision {acked}, found it at revision {found.Revision}");
                }
                else if (entry.Unconfirmed.Contains(found.Value))
                {
                    check.Landed++;
                    if (found.Revision < entry.Acked.Revision)
                        check.Problems.Add($"{key}: '{found.Value}' landed after the write acknowledged at {entry.Acked.Revision} but carries revision {found.Revision}");
                }
                else if (entry.Attempted.Contains(found.Value ?? ""))
                {
                    check.Lost++;
                    check.Problems.Add($"{key}: LOST the acknowledged {Describe(entry.Acked.Value)}; holds the older {Describe(found.Value)}");
                }
                else
                {
                    check.Problems.Add($"{key}: holds {Describe(found.Value)}, which was never written");
                }

                entry.Acked = found;
                entry.Unconfirmed.Clear();
            }
        }

        return check;
    }

    private static string Describe(string? value) => value is null ? "deletion" : $"'{value}'";

    private sealed class KeyLedger
    {
        public (string? Value, long? Revision) Acked { get; set; }

        /// <summary>Every value ever sent ("" stands for a delete).</summary>
        public HashSet<string> Attempted { get; } = new(StringComparer.Ordinal);

        /// <summary>Sent after the last acknowledgement, outcome unknown (null: a delete).</summary>
        public List<string?> Unconfirmed { get; } = [];
    }
}

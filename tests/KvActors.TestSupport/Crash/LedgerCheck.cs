namespace KvActors.TestSupport.Crash;

/// <summary>What one <see cref="WriteLedger.Verify"/> found.</summary>
public sealed class LedgerCheck
{
    /// <summary>Acknowledged writes the store no longer holds (an older value came back).</summary>
    public int Lost { get; set; }

    /// <summary>Writes whose outcome was unknown at the crash.</summary>
    public int Unconfirmed { get; set; }

    /// <summary>Of those, the ones the store turned out to hold.</summary>
    public int Landed { get; set; }

    public List<string> Problems { get; } = [];
}

using System.Globalization;
using KvActors.Protocol;

namespace KvActors.Tests.Scenarios;

/// <summary>Renders a reply in the notation of scenario expectations, so a failure reads "expected X, actual Y".</summary>
public static class ReplyText
{
    // A failure message with a thousand-entry page would bury the difference.
    private const int MaxRenderedEntries = 20;

    public static string Describe(IKvReply reply) => reply switch
    {
        Written w => $"written {w.Revision}",
        Deleted d => $"deleted {d.Revision}",
        Found f => $"found {ScenarioLiteral.FormatBytes(f.Value)} {f.Revision}",
        ExistsResult { Exists: false, Revision: 0 } => "exists false",
        ExistsResult e => $"exists {(e.Exists ? "true" : "false")} {e.Revision}",
        ScanPage p => DescribePage(p),
        StoreStats s => $"stats keys={s.Keys} revision={s.Revision} journal={s.JournalSequenceNr} snapshot={s.SnapshotSequenceNr}",
        KvError e => $"error {e.Code} {ScenarioLiteral.FormatText(e.Message)}",
        _ => $"unexpected reply {reply}",
    };

    private static string DescribePage(ScanPage page)
    {
        var parts = new List<string> { "page" };
        parts.AddRange(page.Entries.Take(MaxRenderedEntries).Select(e =>
            string.Create(CultureInfo.InvariantCulture, $"{ScenarioLiteral.FormatText(e.Key)}@{e.Revision}={ScenarioLiteral.FormatBytes(e.Value)}")));
        if (page.Entries.Count > MaxRenderedEntries) parts.Add($"… ({page.Entries.Count} entries)");
        if (page.NextCursor is not null) parts.Add($"next={ScenarioLiteral.FormatText(page.NextCursor)}");
        parts.Add($"revision={page.StoreRevision}");
        return string.Join(' ', parts);
    }
}

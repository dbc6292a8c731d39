using System.Text.Json;
using System.Text.Unicode;
using KvActors.Protocol;

namespace KvActors.Cli;

/// <summary>The JSON shapes <c>kv --json</c> prints.</summary>
internal static class JsonFormat
{
    /// <summary>{"key","value","revision"}; a value that is not UTF-8 text is base64 with "encoding":"base64".</summary>
    public static void WriteEntry(Utf8JsonWriter json, string key, byte[] value, long revision)
    {
        json.WriteStartObject();
        json.WriteString("key", key);
        if (Utf8.IsValid(value))
        {
            json.WriteString("value", value);
        }
        else
        {
            json.WriteBase64String("value", value);
            json.WriteString("encoding", "base64");
        }

        json.WriteNumber("revision", revision);
        json.WriteEndObject();
    }

    public static void WriteRevision(Utf8JsonWriter json, long revision)
    {
        json.WriteStartObject();
        json.WriteNumber("revision", revision);
        json.WriteEndObject();
    }

    public static void WriteStats(Utf8JsonWriter json, StoreStats stats)
    {
        json.WriteStartObject();
        json.WriteNumber("keys", stats.Keys);
        json.WriteNumber("revision", stats.Revision);
        json.WriteNumber("journalSequenceNr", stats.JournalSequenceNr);
        json.WriteNumber("snapshotSequenceNr", stats.SnapshotSequenceNr);
        json.WriteString("dataDirectory", stats.DataDirectory);
        json.WriteNumber("uptimeSeconds", Math.Round(stats.Uptime.TotalSeconds, 3));
        json.WriteEndObject();
    }
}

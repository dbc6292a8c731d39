using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace KvActors.Cli;

/// <summary>
/// Standard output, written both as raw bytes (values) and as text and JSON lines. Every write is flushed at once,
/// so bytes and text stay in order and a reader of a pipe sees each result as soon as it is known.
/// </summary>
internal sealed class CliOutput
{
    // Non-ASCII text stays readable; the output is never embedded in HTML.
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly Stream _stream;

    public CliOutput(Stream stream)
    {
        _stream = stream;
        Text = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), leaveOpen: true)
        {
            AutoFlush = true,
            NewLine = "\n",
        };
    }

    /// <summary>Text output (also where help is printed).</summary>
    public TextWriter Text { get; }

    public void WriteLine(string line) => Text.WriteLine(line);

    public void Write(string text) => Text.Write(text);

    /// <summary>A value exactly as stored; <paramref name="endLine"/> adds a newline unless it already ends with one.</summary>
    public void WriteValue(byte[] value, bool endLine)
    {
        _stream.Write(value);
        if (endLine && (value.Length == 0 || value[^1] != (byte)'\n')) _stream.WriteByte((byte)'\n');
        _stream.Flush();
    }

    /// <summary>One JSON document on its own line.</summary>
    public void WriteJson(Action<Utf8JsonWriter> write)
    {
        using (var writer = new Utf8JsonWriter(_stream, JsonOptions)) write(writer);
        _stream.WriteByte((byte)'\n');
        _stream.Flush();
    }

    /// <summary>A JSON writer for output produced piece by piece (a long scan); the caller ends the line.</summary>
    public Utf8JsonWriter StartJson() => new(_stream, JsonOptions);

    public void EndJson(Utf8JsonWriter writer)
    {
        writer.Flush();
        _stream.WriteByte((byte)'\n');
        _stream.Flush();
    }
}

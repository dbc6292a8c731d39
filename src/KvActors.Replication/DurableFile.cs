using System.Text;

namespace KvActors.Replication;

/// <summary>Small records beside the journal, replaced whole: written aside, flushed to disk, then renamed into place,
/// so a crash leaves either the old record or the new one, never half of one.</summary>
internal static class DurableFile
{
    public static void Replace(string directory, string fileName, string text)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, fileName);
        var aside = path + ".new";
        using (var file = new FileStream(aside, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            file.Write(Encoding.ASCII.GetBytes(text));
            file.Flush(flushToDisk: true);
        }

        File.Move(aside, path, overwrite: true);
    }
}

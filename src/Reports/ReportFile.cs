namespace ReformMetrics.Reports;

public static class ReportFile
{
    /// <summary>Writes beside the target and renames: a reader (or a scheduled run's manifest) never sees half a file.</summary>
    public static async Task WriteAtomicallyAsync(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(write);
        var temp = path + ".tmp";
        await using (var stream = File.Create(temp))
        {
            write(stream);
        }

        File.Move(temp, path, overwrite: true);
    }
}

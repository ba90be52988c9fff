namespace ReformMetrics.Reports;

public static class ReportFile
{
    /// <summary>Writes beside the target and renames: a reader (or a scheduled run's manifest) never sees half a file,
    /// and a failed write leaves nothing behind.</summary>
    public static async Task WriteAtomicallyAsync(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(write);
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            await using (var stream = File.Create(temp))
            {
                write(stream);
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}

namespace ReformMetrics.Store.Embedded;

/// <summary>The embedded engine this process held stopped (or was killed) while a request was on its way, and nothing will
/// start it again (only long-running hosts do, see <see cref="StoreLifetime"/>). The message is for the end user
/// (Vietnamese) and quotes the engine log's last line, which says why it stopped.</summary>
public sealed class EngineStoppedException : Exception
{
    public EngineStoppedException(EmbeddedEngine engine, Exception innerException)
        : base(Describe(engine), innerException)
    {
    }

    public EngineStoppedException()
    {
    }

    public EngineStoppedException(string message)
        : base(message)
    {
    }

    public EngineStoppedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>"Bộ máy ClickHouse nhúng (pid N) đã dừng [during]. Nhật ký của nó: … (dòng cuối: "…")."</summary>
    public static string Describe(EmbeddedEngine engine, string? during = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var last = LastLogLine(engine.Layout.LogFile);
        // The engine logs why it stops itself; a process killed from outside (SIGKILL, the kernel out of memory) logs nothing.
        var said = last is not null && (last.Contains("stopping", StringComparison.Ordinal) || last.Contains(" fail: ", StringComparison.Ordinal)
            || last.Contains(" crit: ", StringComparison.Ordinal));
        return $"Bộ máy ClickHouse nhúng (pid {engine.State.Pid}) đã dừng{(during is null ? string.Empty : " " + during)}. Nhật ký của nó: {engine.Layout.LogFile}"
            + (said ? $" (dòng cuối: \"{last}\")." : " không ghi lý do: tiến trình đã bị dừng từ bên ngoài (kill -9, hệ điều hành thiếu bộ nhớ…).");
    }

    /// <summary>The log's last line that says something (ClickHouse's own "Query was cancelled" after a clean stop is skipped).</summary>
    private static string? LastLogLine(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            stream.Seek(Math.Max(0, stream.Length - 8192), SeekOrigin.Begin);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .LastOrDefault(line => !line.Contains("QUERY_WAS_CANCELLED", StringComparison.Ordinal) && !line.Contains("Engine stopped cleanly", StringComparison.Ordinal));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}

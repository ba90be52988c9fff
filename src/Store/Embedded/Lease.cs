using System.Globalization;

namespace ReformMetrics.Store.Embedded;

/// <summary>
/// A holder's claim on a running engine: a file named after the process id and its kernel start
/// time (so a recycled pid is not mistaken for the holder), plus a random part so one process may hold
/// several leases. The engine stops when no live lease is left,
/// which covers a holder killed with SIGKILL as well as a clean exit.
/// </summary>
public sealed class Lease : IDisposable
{
    private Lease(string path) => Path = path;

    public string Path { get; }

    public static Lease Take(string leaseDirectory)
    {
        Directory.CreateDirectory(leaseDirectory);
        var pid = Environment.ProcessId;
        var path = System.IO.Path.Combine(leaseDirectory, $"{pid}.{ProcessStartTime(pid)}.{Guid.NewGuid():N}");
        File.WriteAllText(path, string.Empty);
        return new Lease(path);
    }

    /// <summary>Counts the leases whose process is still alive, deleting those left by dead processes.</summary>
    public static int CountLive(string leaseDirectory)
    {
        if (!Directory.Exists(leaseDirectory))
        {
            return 0;
        }

        var live = 0;
        foreach (var file in Directory.EnumerateFiles(leaseDirectory))
        {
            if (IsAlive(System.IO.Path.GetFileName(file)))
            {
                live++;
            }
            else
            {
                TryDelete(file);
            }
        }

        return live;
    }

    public void Dispose() => TryDelete(Path);

    private static bool IsAlive(string leaseName)
    {
        var parts = leaseName.Split('.');
        if (parts.Length != 3 || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out var pid))
        {
            return false;
        }

        var startTime = ProcessStartTime(pid);
        return startTime is not null && startTime == parts[1];
    }

    /// <summary>Field 22 of /proc/PID/stat: start time in clock ticks since boot; null when the process is gone
    /// or a zombie (killed but not yet reaped by its parent, which may take a while under some init processes).</summary>
    public static string? ProcessStartTime(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        // The command name (field 2) may hold spaces and parentheses: count fields after the last ')',
        // where field 3 comes first.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        const int StartTimeIndex = 22 - 3;
        var dead = fields[0] is "Z" or "X" or "x";
        return !dead && fields.Length > StartTimeIndex ? fields[StartTimeIndex] : null;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Another process cleaned it up first.
        }
    }
}

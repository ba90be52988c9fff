using System.Globalization;
using System.Runtime.InteropServices;

namespace ReformMetrics.Store.Embedded;

/// <summary>
/// A holder's claim on a running engine: a file named after the process id and its kernel start
/// time (so a recycled pid is not mistaken for the holder), plus a random part so one process may hold
/// several leases. The engine stops when no live lease is left,
/// which covers a holder killed with SIGKILL as well as a clean exit.
/// </summary>
/// <remarks>
/// Liveness is read from the kernel (/proc/PID/stat), never from a timer the holder must keep renewing: a holder whose
/// threads are starved, paused by the garbage collector or stopped (SIGSTOP) for minutes keeps its lease, and nothing in
/// the holder has to run for it. A lease is removed only on proof that its holder is gone: no /proc entry (ENOENT, ESRCH),
/// a zombie, or another start time under the same pid. A /proc entry that exists but cannot be read (too many open files,
/// no memory, a confined thread, an unexpected format) proves nothing, so the holder counts as alive: an engine that
/// outlives its last holder by a few checks costs nothing, while one that stops under a live holder fails its load. Before
/// this rule, any failed read counted as death and the lease file was deleted at once, for good (issue 20).
/// </remarks>
public sealed class Lease : IDisposable
{
    private Lease(string path) => Path = path;

    public string Path { get; }

    public static Lease Take(string leaseDirectory)
    {
        Directory.CreateDirectory(leaseDirectory);
        var pid = Environment.ProcessId;
        // Our own entry always exists: a start time we cannot read would name a lease nobody could ever verify.
        var startTime = Probe(pid).StartTime
            ?? throw new EngineUnavailableException($"Không đọc được thời điểm khởi động của tiến trình {pid} trong /proc/{pid}/stat: không giữ được bộ máy ClickHouse nhúng.");
        var path = System.IO.Path.Combine(leaseDirectory, $"{pid}.{startTime}.{Guid.NewGuid():N}");
        File.WriteAllText(path, string.Empty);
        return new Lease(path);
    }

    /// <summary>Counts the leases whose process is still alive (or cannot be proved gone), deleting those left by dead
    /// processes. <paramref name="report"/> hears of each lease removed and each holder that could not be checked.</summary>
    public static int CountLive(string leaseDirectory, Action<string>? report = null)
    {
        if (!Directory.Exists(leaseDirectory))
        {
            return 0;
        }

        var live = 0;
        foreach (var file in Directory.EnumerateFiles(leaseDirectory))
        {
            var name = System.IO.Path.GetFileName(file);
            var (alive, why) = Check(name);
            if (alive)
            {
                live++;
                if (why is not null)
                {
                    report?.Invoke($"lease {name} kept: {why}");
                }
            }
            else
            {
                TryDelete(file);
                report?.Invoke($"lease {name} removed: {why}");
            }
        }

        return live;
    }

    public void Dispose() => TryDelete(Path);

    /// <summary>Whether a lease's holder lives, and (when it is gone, or could not be checked) why.</summary>
    private static (bool Alive, string? Why) Check(string leaseName)
    {
        var parts = leaseName.Split('.');
        if (parts.Length != 3 || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out var pid) || parts[1].Length == 0)
        {
            return (false, "not a lease name");
        }

        var probe = Probe(pid);
        return probe.State switch
        {
            ProcessState.Running when probe.StartTime == parts[1] => (true, null),
            ProcessState.Running => (false, $"pid {pid} now belongs to another process (started at {probe.StartTime}, not {parts[1]})"),
            ProcessState.Gone => (false, $"process {pid} is gone ({probe.Detail})"),
            _ => (true, $"process {pid} exists but could not be checked ({probe.Detail}); counted as alive"),
        };
    }

    /// <summary>Field 22 of /proc/PID/stat: start time in clock ticks since boot; null when the process is gone, a zombie
    /// (killed but not yet reaped by its parent, which may take a while under some init processes), or cannot be read.</summary>
    public static string? ProcessStartTime(int pid) => Probe(pid).StartTime;

    /// <summary>What the kernel says about a process: running (with its start time), gone, or unknown (it exists, but its
    /// /proc entry could not be read or parsed).</summary>
    public static ProcessProbe Probe(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return new ProcessProbe(ProcessState.Gone, null, "no /proc entry");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Exists(pid, ex.Message);
        }

        // The command name (field 2) may hold spaces and parentheses: count fields after the last ')',
        // where field 3 comes first.
        var close = stat.LastIndexOf(')');
        var fields = close < 0 || close + 2 > stat.Length ? [] : stat[(close + 2)..].Split(' ');
        const int StartTimeIndex = 22 - 3;
        if (fields.Length <= StartTimeIndex)
        {
            return Exists(pid, $"unexpected /proc/{pid}/stat: \"{stat.Trim()}\"");
        }

        return fields[0] is "Z" or "X" or "x"
            ? new ProcessProbe(ProcessState.Gone, null, $"state {fields[0]}")
            : new ProcessProbe(ProcessState.Running, fields[StartTimeIndex], null);
    }

    /// <summary>When /proc could not be read: kill(pid, 0) needs no file descriptor and no access to /proc, and tells a
    /// process that is gone (ESRCH) from one that exists.</summary>
    private static ProcessProbe Exists(int pid, string problem)
    {
        if (Libc.kill(pid, 0) == 0)
        {
            return new ProcessProbe(ProcessState.Unknown, null, problem);
        }

        var errno = Marshal.GetLastPInvokeError();
        return errno == Libc.ESRCH
            ? new ProcessProbe(ProcessState.Gone, null, "no such process")
            : new ProcessProbe(ProcessState.Unknown, null, $"{problem}; kill(0) errno {errno}");
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

public enum ProcessState
{
    /// <summary>The process exists and its start time was read.</summary>
    Running,

    /// <summary>Proved gone: no /proc entry, no such process, or a zombie.</summary>
    Gone,

    /// <summary>It exists, but its /proc entry could not be read or parsed.</summary>
    Unknown,
}

/// <summary>What <see cref="Lease.Probe"/> found: the state, the start time when running, and what went wrong otherwise.</summary>
public readonly record struct ProcessProbe(ProcessState State, string? StartTime, string? Detail);

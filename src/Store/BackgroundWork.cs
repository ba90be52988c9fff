using System.Globalization;

namespace ReformMetrics.Store;

/// <summary>
/// Work that yields the machine's CPU to the readers: the refresh, which under a national feed shares 2 cores with the
/// dashboard's pages (issue 20). Statements made in the flow after <see cref="Enter"/> run with ClickHouse's
/// <c>os_thread_priority</c> (the nice value of the threads that execute them; a no-op without CAP_SYS_NICE), so the
/// scheduler serves the pages' threads and the intake's first. On a server of its own the setting changes nothing the
/// readers would notice; the refresh only waits while something else wants the CPU.
/// </summary>
public static class BackgroundWork
{
    /// <summary>The nice value of the refresh's threads (0 is the default, 19 the lowest priority).</summary>
    public const int Nice = 10;

    private static readonly AsyncLocal<bool> Entered = new();

    /// <summary>Whether the current flow is background work.</summary>
    public static bool Current => Entered.Value;

    /// <summary>Marks the current flow as background work until the scope is disposed.</summary>
    public static IDisposable Enter()
    {
        var outer = Entered.Value;
        Entered.Value = true;
        return new Scope(outer);
    }

    /// <summary>The ClickHouse settings of background work.</summary>
    public static IReadOnlyDictionary<string, object> Settings() =>
        new Dictionary<string, object>(StringComparer.Ordinal) { ["os_thread_priority"] = Nice.ToString(CultureInfo.InvariantCulture) };

    private sealed class Scope(bool outer) : IDisposable
    {
        public void Dispose() => Entered.Value = outer;
    }
}

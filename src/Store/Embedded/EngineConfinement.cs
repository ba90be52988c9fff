using System.Runtime.InteropServices;

namespace ReformMetrics.Store.Embedded;

/// <summary>
/// What the engine process may still open once it confines itself (Landlock) before starting ClickHouse: its data,
/// run and log directories, the code it runs, and the few system files ClickHouse and the runtime read. Everything else,
/// the store's secrets and the dashboard's keys included, stays out of reach of <c>file()</c>, which ClickHouse's
/// local mode does not check against grants.
/// </summary>
internal static class EngineConfinement
{
    public static IEnumerable<(string Path, Landlock.Access Access)> Rules(StoreLayout layout, string libraryPath)
    {
        ArgumentNullException.ThrowIfNull(layout);
        yield return (layout.DataDirectory, Landlock.Access.ReadWrite);
        yield return (layout.RunDirectory, Landlock.Access.ReadWrite);
        yield return (Path.GetDirectoryName(layout.LogFile)!, Landlock.Access.ReadWrite);

        // Code: the engine library, the .NET runtime and reform-engine's directory (assemblies load lazily), system libraries.
        yield return (Path.GetDirectoryName(Path.GetFullPath(libraryPath))!, Landlock.Access.ReadExecute);
        yield return (RuntimeEnvironment.GetRuntimeDirectory(), Landlock.Access.ReadExecute);
        yield return (AppContext.BaseDirectory, Landlock.Access.ReadExecute);
        foreach (var system in new[] { "/usr/lib", "/usr/lib64", "/lib", "/lib64", "/usr/share/zoneinfo", "/usr/share/icu", "/usr/share/ca-certificates" })
        {
            yield return (system, Landlock.Access.ReadExecute);
        }

        // Name resolution, time zone and TLS settings; not /etc as a whole (shadow, ssh keys, credentials of other software).
        foreach (var file in new[]
                 {
                     "/etc/localtime", "/etc/timezone", "/etc/hosts", "/etc/resolv.conf", "/etc/nsswitch.conf", "/etc/host.conf", "/etc/gai.conf",
                     "/etc/ld.so.cache", "/etc/ssl/certs", "/etc/ssl/openssl.cnf",
                 })
        {
            yield return (file, Landlock.Access.Read);
        }

        // Memory and CPU limits, thread statistics. Other processes' /proc entries stay closed: Landlock denies
        // ptrace-level access to processes outside the sandbox.
        yield return ("/proc", Landlock.Access.Read);
        yield return ("/sys", Landlock.Access.Read);
        foreach (var device in new[] { "/dev/null", "/dev/zero", "/dev/urandom", "/dev/random" })
        {
            yield return (device, Landlock.Access.ReadFile | Landlock.Access.WriteFile);
        }
    }
}

using System.Globalization;

namespace ReformMetrics.Store.Embedded;

/// <summary>
/// The engine process's log lines (<c>2026-12-07 08:00:00.000 info: Engine ready on port 41234</c>), written on its standard
/// output, which <see cref="EngineHost.DetachFromTerminal"/> points at the engine log.
/// </summary>
/// <remarks>
/// Not Microsoft.Extensions.Logging: reform-engine ships beside applications (reform, the tests) whose ASP.NET Core shared
/// framework supplies those assemblies instead of their files, and its own runtime configuration names the base framework
/// only. The engine's code path therefore stays on the base class library and Store's own types.
/// </remarks>
public sealed class EngineLog(TextWriter writer)
{
    private readonly Lock _lock = new();

    public void Information(string message) => Write("info", message);

    public void Warning(string message) => Write("warn", message);

    public void Error(string message) => Write("fail", message);

    public void Critical(string message, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        Write("crit", message + Environment.NewLine + exception);
    }

    private void Write(string level, string message)
    {
        // The watchdog and the main thread both write; a line must not be cut by the other, nor lost on Environment.Exit.
        lock (_lock)
        {
            writer.WriteLine($"{DateTime.Now.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture)} {level}: {message}");
            writer.Flush();
        }
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace ReformMetrics.Store.Embedded;

/// <summary>Starts one <c>reform-engine</c> process on a store directory and waits until it has published its state (it
/// answers on its port). Shared by <see cref="EmbeddedEngine"/> and the nodes of a local cluster.</summary>
internal static class EngineProcess
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    /// <summary>Starts the engine with the arguments <paramref name="nextArguments"/> gives; when a port was taken between
    /// choosing it and listening on it, asks for new arguments (up to <paramref name="attempts"/> times).</summary>
    public static async Task<EngineState> StartAsync(
        StoreLayout layout, ProgramCommand hostCommand, Func<EngineHostArguments> nextArguments, int attempts, ILogger logger,
        CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var arguments = nextArguments();
            var logOffset = File.Exists(layout.LogFile) ? new FileInfo(layout.LogFile).Length : 0;
            var stopwatch = Stopwatch.StartNew();
            using var process = Spawn(layout, hostCommand, arguments);
            var deadline = DateTime.UtcNow + StartTimeout;
            while (true)
            {
                if (EngineState.Read(layout.StateFile) is { } state && state.QueryId == arguments.QueryId)
                {
                    logger.LogInformation("Engine started on port {Port} (pid {Pid}) in {Elapsed} ms ({Confinement})",
                        arguments.Port, state.Pid, stopwatch.ElapsedMilliseconds, state.Confinement);
                    return state;
                }

                if (process.HasExited)
                {
                    var log = ReadLogFrom(layout.LogFile, logOffset);
                    if (attempt < attempts && log.Contains("Address already in use", StringComparison.Ordinal))
                    {
                        logger.LogWarning("Port {Port} was taken before the engine could listen; trying another", arguments.Port);
                        break;
                    }

                    throw new EngineUnavailableException(
                        $"Không khởi động được ClickHouse nhúng (mã thoát {process.ExitCode}). Nhật ký: {layout.LogFile}{Environment.NewLine}{Tail(log)}");
                }

                if (DateTime.UtcNow > deadline)
                {
                    process.Kill(entireProcessTree: true);
                    throw new EngineUnavailableException(
                        $"ClickHouse nhúng không trả lời sau {StartTimeout.TotalSeconds:0} giây. Nhật ký: {layout.LogFile}");
                }

                try
                {
                    await Task.Delay(25, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                    throw;
                }
            }
        }
    }

    /// <summary>A port free on 127.0.0.1 at this instant (another process may still take it before the engine listens).</summary>
    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Process Spawn(StoreLayout layout, ProgramCommand hostCommand, EngineHostArguments arguments)
    {
        // All three streams are redirected so the engine never holds this process's terminal or pipes
        // (a caller reading our output would otherwise wait for the engine to exit); the host then points
        // them at the engine log.
        var start = new ProcessStartInfo(hostCommand.FileName)
        {
            WorkingDirectory = layout.RunDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // The engine can read its own /proc/self/environ (file() is not checked against grants in local mode): it gets
        // none of the caller's settings, which may hold connection strings and passwords.
        foreach (var name in start.Environment.Keys.Where(IsPrivate).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var argument in hostCommand.PrefixArguments.Concat(arguments.ToList()))
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new EngineUnavailableException("Không chạy được tiến trình bộ máy ClickHouse.");
        process.StandardInput.Close();
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    // Only what a process needs to start: paths, locale, the .NET host's own settings.
    private static bool IsPrivate(string name) =>
        name is not ("PATH" or "HOME" or "LANG" or "LC_ALL" or "TZ" or "TMPDIR" or "DOTNET_HOST_PATH")
        && !name.StartsWith("DOTNET_ROOT", StringComparison.Ordinal) // DOTNET_ROOT_X64 too: the engine's own host needs it
        && !name.StartsWith("DOTNET_gc", StringComparison.OrdinalIgnoreCase);

    private static string ReadLogFrom(string path, long offset)
    {
        if (!File.Exists(path))
        {
            return string.Empty;
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(Math.Min(offset, stream.Length), SeekOrigin.Begin);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static string Tail(string text, int lines = 15) =>
        string.Join(Environment.NewLine, text.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(lines));
}

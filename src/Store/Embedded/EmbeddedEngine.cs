using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace ReformMetrics.Store.Embedded;

/// <summary>
/// A process's handle on the embedded engine of a store directory: starts the engine process (<c>reform-engine</c>) when
/// none runs, or joins the one that does. Disposing it gives up this process's lease; the engine stops
/// when the last holder is gone, and also when holders die without disposing (kill -9).
/// </summary>
public sealed class EmbeddedEngine : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly Lease _lease;
    private readonly ILogger _logger;

    private readonly string? _startTime;

    private EmbeddedEngine(StoreLayout layout, EngineState state, EngineUsers users, Lease lease, bool startedHere, ILogger logger)
    {
        _startTime = Lease.ProcessStartTime(state.Pid);
        Layout = layout;
        State = state;
        Users = users;
        _lease = lease;
        StartedHere = startedHere;
        _logger = logger;
    }

    public StoreLayout Layout { get; }

    public EngineState State { get; }

    /// <summary>The engine's users and their passwords (from the store's secrets).</summary>
    public EngineUsers Users { get; }

    /// <summary>ReformMetrics' own connection: every right but reading files, URLs and other external sources.</summary>
    public string ServiceConnectionString => Users.ServiceConnectionString(State.HttpPort);

    /// <summary>The analysts' connection: the database's v_* views, read-only, within limits ClickHouse enforces.</summary>
    public string AnalystConnectionString(string database) => Users.AnalystConnectionString(State.HttpPort, database);

    /// <summary>False once the engine process has gone (killed, crashed, or stopped); true while it runs, or while /proc
    /// cannot tell (see <see cref="Lease"/>).</summary>
    public bool IsAlive => _startTime is not null && Lease.Probe(State.Pid) is var probe
        && (probe.State == ProcessState.Unknown || (probe.State == ProcessState.Running && probe.StartTime == _startTime));

    /// <summary>True once the engine has begun to stop (it removes its state file first) or has gone.</summary>
    public bool HasStopped => !IsAlive || EngineState.Read(Layout.StateFile)?.QueryId != State.QueryId;

    /// <summary>True when this process started the engine, false when it joined a running one.</summary>
    public bool StartedHere { get; }

    public static async Task<EmbeddedEngine> AttachAsync(
        StoreLayout layout,
        EngineCache cache,
        ProgramCommand hostCommand,
        string database,
        int httpPort,
        ILogger logger,
        IProgress<string>? progress,
        CancellationToken cancellationToken)
    {
        layout.EnsureCreated();

        // The library is fetched before taking the start lock: a slow first download must not make another
        // process's attach to an already running engine time out.
        var library = new Lazy<Task<string>>(() => cache.EnsureAsync(progress, cancellationToken));
        if (FileLock.IsFree(layout.EngineLock))
        {
            await library.Value.ConfigureAwait(false);
        }

        using var startLock = await FileLock.AcquireAsync(layout.StartLock, StartTimeout, cancellationToken).ConfigureAwait(false);
        var lease = Lease.Take(layout.LeaseDirectory);
        try
        {
            var users = EngineUsers.LoadOrCreate(layout);
            var deadline = DateTime.UtcNow + StartTimeout;
            while (!FileLock.IsFree(layout.EngineLock))
            {
                // An engine runs. Under the start lock it is either ready or still starting for a holder that died.
                if (EngineState.Read(layout.StateFile) is { } running
                    && await EngineControl.IsServingAsync(running.HttpPort, running.QueryId, users, cancellationToken).ConfigureAwait(false))
                {
                    logger.LogDebug("Joined the engine on port {Port} (pid {Pid})", running.HttpPort, running.Pid);
                    return new EmbeddedEngine(layout, running, users, lease, startedHere: false, logger);
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new EngineUnavailableException(
                        $"Bộ máy ClickHouse nhúng của {layout.Root} đang chạy nhưng không trả lời. Xem nhật ký {layout.LogFile}.");
                }

                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }

            var libraryPath = await library.Value.ConfigureAwait(false);
            progress?.Report("Đang khởi động ClickHouse nhúng");
            var state = await StartAsync(layout, libraryPath, hostCommand, database, httpPort, logger, cancellationToken).ConfigureAwait(false);
            return new EmbeddedEngine(layout, state, users, lease, startedHere: true, logger);
        }
        catch
        {
            lease.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _lease.Dispose();
        if (Lease.CountLive(Layout.LeaseDirectory) > 0)
        {
            return;
        }

        // Last holder: wait until the engine has released the data directory, so that "reform exited"
        // means "nothing runs any more".
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        var startTime = Lease.ProcessStartTime(State.Pid);
        while (startTime is not null && Lease.ProcessStartTime(State.Pid) == startTime && DateTime.UtcNow < deadline)
        {
            if (Lease.CountLive(Layout.LeaseDirectory) > 0)
            {
                return;
            }

            await Task.Delay(50).ConfigureAwait(false);
        }

        _logger.LogDebug("Engine pid {Pid} stopped", State.Pid);
    }

    private static async Task<EngineState> StartAsync(
        StoreLayout layout, string libraryPath, ProgramCommand hostCommand, string database, int httpPort, ILogger logger,
        CancellationToken cancellationToken)
    {
        var attempts = httpPort == 0 ? 3 : 1;
        for (var attempt = 1; ; attempt++)
        {
            var port = httpPort == 0 ? FreeLoopbackPort() : httpPort;
            var queryId = $"reform-engine-{Guid.NewGuid():N}";
            var logOffset = File.Exists(layout.LogFile) ? new FileInfo(layout.LogFile).Length : 0;
            var stopwatch = Stopwatch.StartNew();
            using var process = Spawn(layout, libraryPath, hostCommand, port, queryId, database);
            var deadline = DateTime.UtcNow + StartTimeout;
            while (true)
            {
                if (EngineState.Read(layout.StateFile) is { } state && state.QueryId == queryId)
                {
                    logger.LogInformation("Engine started on port {Port} (pid {Pid}) in {Elapsed} ms ({Confinement})",
                        port, state.Pid, stopwatch.ElapsedMilliseconds, state.Confinement);
                    return state;
                }

                if (process.HasExited)
                {
                    var log = ReadLogFrom(layout.LogFile, logOffset);
                    if (attempt < attempts && log.Contains("Address already in use", StringComparison.Ordinal))
                    {
                        logger.LogWarning("Port {Port} was taken before the engine could listen; trying another", port);
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

    private static Process Spawn(StoreLayout layout, string libraryPath, ProgramCommand hostCommand, int port, string queryId, string database)
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

        foreach (var argument in hostCommand.PrefixArguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var argument in new EngineHostArguments(layout.Root, port, libraryPath, queryId, database).ToList())
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

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

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

using Microsoft.Extensions.Logging;

namespace ReformMetrics.Store.Embedded;

/// <summary>
/// A process's handle on the embedded engine of a store directory: starts the engine process (<c>reform-engine</c>) when
/// none runs, or joins the one that does. Disposing it gives up this process's lease; the engine stops
/// when the last holder is gone, and also when holders die without disposing (kill -9).
/// </summary>
public sealed class EmbeddedEngine : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = EngineProcess.StartTimeout;
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

    private static Task<EngineState> StartAsync(
        StoreLayout layout, string libraryPath, ProgramCommand hostCommand, string database, int httpPort, ILogger logger,
        CancellationToken cancellationToken) =>
        EngineProcess.StartAsync(
            layout,
            hostCommand,
            () => new EngineHostArguments(
                layout.Root, httpPort == 0 ? EngineProcess.FreeLoopbackPort() : httpPort, libraryPath, $"reform-engine-{Guid.NewGuid():N}", database),
            attempts: httpPort == 0 ? 3 : 1,
            logger,
            cancellationToken);
}

using System.Globalization;
using System.Runtime.InteropServices;

namespace ReformMetrics.Store.Embedded;

/// <summary>
/// The engine process (<c>reform-engine</c>, src/Store.EngineHost): hosts ClickHouse through chDB's command-line entry point
/// with its HTTP interface on loopback, and stops it when no live process holds a lease on the store.
/// </summary>
/// <remarks>
/// ClickHouse runs in this separate process so that its signal handling never meets the runtime of the
/// process that uses it. The main thread writes the engine's users file (EngineUsers), confines itself with Landlock
/// (EngineConfinement) and blocks inside chdb_query_cmdline, so that every ClickHouse thread inherits the confinement;
/// a watchdog thread publishes run/engine.json once the engine answers and ends the blocking statement when the last
/// holder is gone. Nothing on this path may use Microsoft.Extensions.* (see <see cref="EngineLog"/>).
/// A node of a local cluster (<see cref="Cluster.LocalCluster"/>) also serves the native TCP protocol, takes its cluster's
/// configuration and runs detached: no lease holds it, it stops when its blocking statement is killed or on a signal.
/// </remarks>
public sealed class EngineHost(EngineHostArguments arguments, EngineLog log)
{
    public const int ExitAlreadyRunning = 3;
    public const string ConfinedPrefix = "landlock ABI ";
    private static readonly TimeSpan WatchInterval = TimeSpan.FromMilliseconds(200);
    private volatile bool _stopRequested;
    private volatile bool _stopping;
    private volatile bool _published;
    private EngineUsers? _users;
    private volatile string _confinement = string.Empty;
    private readonly StoreLayout _layout = StoreLayout.For(arguments.Store);

    /// <summary>Redirects this process's standard streams to the engine log and leaves the terminal's session.</summary>
    public static void DetachFromTerminal(StoreLayout layout)
    {
        layout.EnsureCreated();
        Libc.setsid();
        var logFile = Libc.open(layout.LogFile, Libc.O_RDWR | Libc.O_CREAT | 0x400 /* O_APPEND */, Convert.ToInt32("600", 8));
        var devNull = Libc.open("/dev/null", Libc.O_RDWR, 0);
        if (logFile >= 0)
        {
            Libc.dup2(logFile, 1);
            Libc.dup2(logFile, 2);
            Libc.close(logFile);
        }

        if (devNull >= 0)
        {
            Libc.dup2(devNull, 0);
            Libc.close(devNull);
        }
    }

    public int Run()
    {
        _layout.EnsureCreated();
        using var engineLock = FileLock.TryAcquire(_layout.EngineLock);
        if (engineLock is null)
        {
            log.Error($"Another engine already serves {_layout.Root}");
            return ExitAlreadyRunning;
        }

        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSignal);
        using var quit = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, OnSignal);

        _users = EngineUsers.LoadOrCreate(_layout);
        _users.WriteConfig(_layout.EngineConfigFile, arguments.Database, ClusterElements());
        var chdb = Chdb.Load(arguments.Library);
        chdb.DisableSignalHandlers();
        var watchdog = new Thread(Watch) { IsBackground = true, Name = "engine-watchdog" };
        watchdog.Start();

        // From here this thread, and every thread ClickHouse starts from it, sees only what EngineConfinement lists.
        var refused = Landlock.ConfineCurrentThread(EngineConfinement.Rules(_layout, arguments.Library));
        if (refused is null)
        {
            _confinement = ConfinedPrefix + Landlock.AbiVersion().ToString(CultureInfo.InvariantCulture);
        }
        else
        {
            _confinement = "none: " + refused;
            log.Warning($"Engine runs unconfined ({refused}): file() in queries can read any file this process can");
        }

        var tcp = arguments.TcpPort > 0;
        log.Information($"Engine starting on 127.0.0.1:{arguments.Port}{(tcp ? $" (native TCP {arguments.TcpPort})" : string.Empty)} with data in {_layout.DataDirectory} ({_confinement})");
        var commandLine = new List<string>
        {
            "clickhouse",
            $"--path={_layout.DataDirectory}/",
            $"--config-file={_layout.EngineConfigFile}",
            $"--http_port={arguments.Port}",
            "--listen_host=127.0.0.1",
            "--multiquery",
            $"--query_id={arguments.QueryId}",
            // sleepEachRow(0.1) blocks without burning CPU and notices a KILL within 0.1 s.
            $"--query=SYSTEM START LISTEN HTTP; {(tcp ? "SYSTEM START LISTEN TCP; " : string.Empty)}SELECT sum(sleepEachRow(0.1)) FROM numbers(100000000000) SETTINGS max_block_size = 1",
        };
        if (tcp)
        {
            commandLine.Insert(4, $"--tcp_port={arguments.TcpPort}");
        }

        var error = chdb.QueryCmdline([.. commandLine]);

        TryDelete(_layout.StateFile);
        if (_stopping)
        {
            log.Information("Engine stopped cleanly");
            return 0;
        }

        // A detached engine is stopped from outside by killing its blocking statement (reform cluster down): once it has
        // served, the statement ending is that stop (chDB gives no error text for it; ClickHouse logs QUERY_WAS_CANCELLED).
        if (arguments.Detached && _published)
        {
            log.Information("Engine stopped cleanly (its blocking statement was cancelled)");
            return 0;
        }

        log.Error($"Engine ended unexpectedly: {error ?? "no error text"}");
        return 1;
    }

    /// <summary>The elements of the cluster configuration file, if any, for the engine's own configuration.</summary>
    private IReadOnlyList<System.Xml.Linq.XElement> ClusterElements() =>
        arguments.ClusterConfig is null ? [] : [.. System.Xml.Linq.XDocument.Load(arguments.ClusterConfig).Root!.Elements()];

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        _stopRequested = true;
    }

    private void Watch()
    {
        try
        {
            WatchAsync().GetAwaiter().GetResult();
        }
#pragma warning disable CA1031 // The watchdog must end the process whatever went wrong.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            log.Critical("Engine watchdog failed; exiting", ex);
            Environment.Exit(1);
        }
    }

    private async Task WatchAsync()
    {
        var ready = false;
        while (true)
        {
            await Task.Delay(WatchInterval).ConfigureAwait(false);
            if (!ready && await EngineControl.IsServingAsync(arguments.Port, arguments.QueryId, _users!, CancellationToken.None).ConfigureAwait(false))
            {
                ready = true;
                new EngineState(Environment.ProcessId, arguments.Port, arguments.QueryId, DateTimeOffset.UtcNow, _confinement).Write(_layout.StateFile);
                _published = true;
                log.Information($"Engine ready on port {arguments.Port}");
            }

            if (!_stopRequested && (arguments.Detached || CountHolders() > 0))
            {
                continue;
            }

            // Hold the start lock from here to process exit so nobody attaches to an engine that is stopping.
            var startLock = await FileLock.AcquireAsync(_layout.StartLock, TimeSpan.FromSeconds(60), CancellationToken.None).ConfigureAwait(false);
            if (!_stopRequested && (arguments.Detached || CountHolders() > 0))
            {
                startLock.Dispose();
                continue;
            }

            _stopping = true;
            TryDelete(_layout.StateFile);
            log.Information($"Engine stopping: {(_stopRequested ? "signal" : "no process holds it any more")}");
            // Before the engine listens (a holder died during start-up) the KILL cannot reach it yet: retry.
            for (var attempt = 1; attempt <= 50; attempt++)
            {
                try
                {
                    await EngineControl.StopAsync(arguments.Port, arguments.QueryId, _users!, CancellationToken.None).ConfigureAwait(false);
                    break;
                }
                catch (HttpRequestException ex)
                {
                    log.Warning($"Could not cancel the engine's blocking statement (attempt {attempt}): {ex.Message}");
                    await Task.Delay(WatchInterval).ConfigureAwait(false);
                }
            }

            // chdb_query_cmdline normally returns within a second. A client still holding an idle keep-alive
            // connection makes ClickHouse wait 5 s and then end the process itself (_exit, so nothing after
            // this line is logged). Either way, never linger holding the data directory.
            await Task.Delay(TimeSpan.FromSeconds(20)).ConfigureAwait(false);
            log.Error("Engine did not stop within 20 s; exiting hard");
            Environment.Exit(1);
        }
    }

    /// <summary>The live holders. Why a lease was removed is logged, so that a stop is explained by the log alone; a holder
    /// that could not be checked (and so counts as alive) is logged once per reason.</summary>
    private int CountHolders() => Lease.CountLive(_layout.LeaseDirectory, message =>
    {
        if (message.Contains(" removed: ", StringComparison.Ordinal))
        {
            log.Information($"Holder gone: {message}");
        }
        else if (_uncheckable.Add(message))
        {
            log.Warning($"Holder not checkable: {message}");
        }
    });

    private readonly HashSet<string> _uncheckable = new(StringComparer.Ordinal);

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
    }
}

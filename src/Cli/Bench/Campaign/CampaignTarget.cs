using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using ReformMetrics.Store.Embedded;

namespace ReformMetrics.Cli.Bench.Campaign;

/// <summary>The result of one `reform` child command.</summary>
internal sealed record ChildResult(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>The last lines of stderr (then stdout), for a message saying why a step failed.</summary>
    public string Tail(int lines = 8) => string.Join('\n', (StandardError.Length > 0 ? StandardError : StandardOutput)
        .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(lines));
}

/// <summary>
/// Where a campaign runs and how it runs `reform`: a store directory (a scratch one unless --store was given) on the
/// embedded engine, or a ClickHouse server (--clickhouse, REFORM_CLICKHOUSE) with a scratch database unless --store was
/// given. Every step is the real `reform` started as a child process, as an operator would run it, so a campaign measures
/// the product and not its internals; only the campaign's own scratch files and database are removed at the end.
/// </summary>
internal sealed class CampaignTarget : IAsyncDisposable
{
    private readonly bool _scratchStore;
    private bool _borrowedWork;
    private readonly ProgramCommand _reform = ReformProgram.Resolve();

    private CampaignTarget(string store, string? clickHouse, string? database, bool scratchStore, string work)
    {
        StoreDirectory = store;
        ClickHouse = clickHouse;
        Database = database;
        _scratchStore = scratchStore;
        WorkDirectory = work;
    }

    /// <summary>The store directory (engine data when embedded; demo files and reports either way).</summary>
    public string StoreDirectory { get; }

    /// <summary>The server's connection string, or null on the embedded engine.</summary>
    public string? ClickHouse { get; }

    /// <summary>The database the children use when the campaign chose one (a scratch database on a server).</summary>
    public string? Database { get; }

    public bool IsEmbedded => ClickHouse is null;

    /// <summary>The campaign's own files: logs of the children, event files, downloaded reports.</summary>
    public string WorkDirectory { get; }

    /// <summary>The embedded engine's run/engine.json.</summary>
    public string EngineStateFile => StoreLayout.For(StoreDirectory).StateFile;

    public static CampaignTarget Create(ParseResult parse, string campaign)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var clickHouse = parse.GetValue(GlobalOptions.ClickHouse) is { Length: > 0 } given ? given
            : Environment.GetEnvironmentVariable("REFORM_CLICKHOUSE") is { Length: > 0 } fromEnvironment ? fromEnvironment : null;
        var work = Directory.CreateTempSubdirectory($"reform-{campaign}-").FullName;
        if (parse.GetValue(GlobalOptions.Store) is { Length: > 0 } store)
        {
            return new CampaignTarget(Path.GetFullPath(store), clickHouse, null, scratchStore: false, work);
        }

        // A server without --store: the demo's files go to the scratch directory and the data to a database of its own.
        var database = clickHouse is null ? null : $"bench_{campaign}_{Guid.NewGuid():N}"[..24];
        return new CampaignTarget(Path.Combine(work, "store"), clickHouse, database, scratchStore: true, work);
    }

    /// <summary>The same campaign on another store directory (kept: its owner removes it), e.g. a copy on a small file system.</summary>
    public CampaignTarget WithStore(string store) => new(store, ClickHouse, Database, scratchStore: false, WorkDirectory) { _borrowedWork = true };

    /// <summary>The store as the user would name it on the command line, for the line that reproduces a run.</summary>
    public string Describe() => _scratchStore
        ? (IsEmbedded ? "(kho tạm mới)" : "--clickhouse ... (cơ sở dữ liệu tạm mới)")
        : $"--store {StoreDirectory}" + (IsEmbedded ? string.Empty : " --clickhouse ...");

    /// <summary>Runs `reform ARGS` with the campaign's store options and waits for it (killed at the timeout).</summary>
    public async Task<ChildResult> RunAsync(
        IEnumerable<string> arguments, CancellationToken cancellationToken, string? input = null, TimeSpan? timeout = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        using var process = Process.Start(StartInfo(arguments, environment, redirect: true))
            ?? throw new CampaignException("Không chạy được lệnh reform.");
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        if (input is not null)
        {
            await process.StandardInput.WriteLineAsync(input.AsMemory(), cancellationToken);
        }

        process.StandardInput.Close();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout ?? TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            cancellationToken.ThrowIfCancellationRequested();
            throw new CampaignException(
                $"reform {string.Join(' ', arguments)} chưa xong sau {(timeout ?? TimeSpan.FromMinutes(5)).TotalSeconds:N0} giây: {Tail(await stderr)}");
        }

        return new ChildResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts `reform ARGS` without waiting; its output goes to <paramref name="logFile"/>.</summary>
    public Process Start(IEnumerable<string> arguments, string logFile, IReadOnlyDictionary<string, string>? environment = null)
    {
        var process = Process.Start(StartInfo(arguments, environment, redirect: true)) ?? throw new CampaignException("Không chạy được lệnh reform.");
        process.StandardInput.Close();
        var log = new StreamWriter(logFile, append: true, Encoding.UTF8) { AutoFlush = true };
        var gate = new Lock();
        var closed = false;
        void Write(string? line)
        {
            lock (gate)
            {
                if (line is not null && !closed)
                {
                    log.WriteLine(line);
                }
            }
        }

        process.OutputDataReceived += (_, e) => Write(e.Data);
        process.ErrorDataReceived += (_, e) => Write(e.Data);
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) =>
        {
            // The last lines are delivered before WaitForExit returns; give them a moment before closing the log.
            Thread.Sleep(200);
            lock (gate)
            {
                closed = true;
                log.Dispose();
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Runs a read-only query with `reform sql --format TSV` and returns its rows (fields split on tabs).</summary>
    public async Task<IReadOnlyList<string[]>> QueryAsync(string sql, CancellationToken cancellationToken)
    {
        var result = await RunAsync(["sql", "--format", "TSV", sql], cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new CampaignException($"reform sql \"{sql}\" thoát với mã {result.ExitCode}: {result.Tail()}");
        }

        return result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split('\t')).ToList();
    }

    /// <summary>Makes sure the store has data: when it has no events (or no database yet), loads `reform demo --no-serve
    /// --dossiers N` into it. Returns the number of dossiers it holds.</summary>
    public async Task<long> EnsureDataAsync(long dossiers, CancellationToken cancellationToken)
    {
        if (await DossierCountAsync(cancellationToken) is > 0 and var existing)
        {
            ConsoleUi.Info($"Kho đã có {existing:N0} hồ sơ; dùng dữ liệu này.");
            return existing;
        }

        ConsoleUi.Info($"Đang nạp dữ liệu mẫu: reform demo --no-serve --dossiers {dossiers:N0} vào {StoreDirectory}");
        var watch = Stopwatch.StartNew();
        var demo = await RunAsync(["demo", "--no-serve", "--dossiers", dossiers.ToString(CultureInfo.InvariantCulture)], cancellationToken, timeout: TimeSpan.FromMinutes(40));
        if (demo.ExitCode != 0)
        {
            throw new CampaignException($"reform demo thoát với mã {demo.ExitCode}: {demo.Tail()}");
        }

        var loaded = await DossierCountAsync(cancellationToken) ?? 0;
        ConsoleUi.Info($"Đã nạp {loaded:N0} hồ sơ mẫu trong {watch.Elapsed.TotalSeconds:N0} giây.");
        return loaded > 0 ? loaded : throw new CampaignException("reform demo xong nhưng kho không có hồ sơ nào.");
    }

    private async Task<long?> DossierCountAsync(CancellationToken cancellationToken)
    {
        var result = await RunAsync(["sql", "--format", "TSV", "SELECT count() FROM v_dossiers"], cancellationToken);
        return result.ExitCode == 0 && long.TryParse(result.StandardOutput.Trim(), CultureInfo.InvariantCulture, out var count) ? count : null;
    }

    public async ValueTask DisposeAsync()
    {
        if (_borrowedWork)
        {
            return;
        }

        if (Database is not null)
        {
            await RunAsync(["sql", "--write", $"DROP DATABASE IF EXISTS {Database}"], CancellationToken.None);
        }

        // A scratch store's engine stops with its last holder; give it the moment it takes before deleting its files.
        for (var i = 0; i < 300 && IsEmbedded && _scratchStore && !FileLock.IsFree(StoreLayout.For(StoreDirectory).EngineLock); i++)
        {
            await Task.Delay(100);
        }

        try
        {
            Directory.Delete(WorkDirectory, recursive: true);
        }
        catch (IOException ex)
        {
            ConsoleUi.Info($"Không xoá được thư mục tạm {WorkDirectory}: {ex.Message}");
        }
        catch (UnauthorizedAccessException ex)
        {
            ConsoleUi.Info($"Không xoá được thư mục tạm {WorkDirectory}: {ex.Message}");
        }
    }

    private ProcessStartInfo StartInfo(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment, bool redirect)
    {
        var start = new ProcessStartInfo(_reform.FileName)
        {
            RedirectStandardInput = true, RedirectStandardOutput = redirect, RedirectStandardError = redirect, UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8, StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in _reform.PrefixArguments.Concat(arguments).Concat(["--store", StoreDirectory]))
        {
            start.ArgumentList.Add(argument);
        }

        if (ClickHouse is not null)
        {
            start.ArgumentList.Add("--clickhouse");
            start.ArgumentList.Add(ClickHouse);
        }

        start.Environment["NO_COLOR"] = "1";
        start.Environment["COLUMNS"] = "200";
        if (Database is not null)
        {
            start.Environment["REFORM_ClickHouse__Database"] = Database;
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        return start;
    }

    private static string Tail(string text) => string.Join('\n', text.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(5));
}

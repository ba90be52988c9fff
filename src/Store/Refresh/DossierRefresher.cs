using System.Diagnostics;
using System.Globalization;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReformMetrics.Store.Embedded;

namespace ReformMetrics.Store.Refresh;

/// <summary>
/// Brings dossier_state, kpi_daily and kpi_monthly up to date with the events. A few stale dossiers are recomputed
/// one by one (an incremental run: their new rows versioned into dossier_state_rows, and the difference of their
/// contributions added to the pre-aggregates as signed rows); many are handled a cohort (month of receipt) at a time,
/// each cohort computed into build tables and swapped into the live ones with REPLACE PARTITION.
/// </summary>
/// <remarks>
/// Stale dossiers are those with events stored since the last refresh (events.ingested_at after the watermark, less an
/// overlap that covers inserts still in flight when the previous refresh read them) that their state row does not
/// include yet. Every run is journalled in refresh_runs ('staged' with the cohorts it may touch, before it writes to a
/// live table; 'done' after): a run killed half-way leaves a staged run behind, and the next refresh rebuilds its
/// cohorts whole, which erases whatever part of it was written. One refresh runs at a time per store (in-process
/// semaphore, and a file lock for the embedded engine); on a server, run it from the ingestion service only.
/// </remarks>
public sealed partial class DossierRefresher(ClickHouseStore store, ILogger<DossierRefresher> logger, IOptions<RefreshOptions>? options = null) : IAsyncDisposable
{
    /// <summary>The sentinel cohort of dossiers whose received event has not arrived.</summary>
    public static readonly DateOnly IncompleteCohort = new(1970, 1, 1);

    private const string WatermarkName = "dossier_state";
    private static readonly TimeSpan Overlap = TimeSpan.FromSeconds(60);
    private static readonly SemaphoreSlim OneAtATime = new(1, 1);

    private readonly RefreshOptions _options = options?.Value ?? new RefreshOptions();

    // While nothing is new the watermark moves on in memory and is written at most once a minute: the next pass then
    // looks at the last minute of loads only, whatever was loaded before (idle polling costs the same on any store).
    private string? _memoryWatermark;
    private DateTime _persistedAt;
    private bool _recovered;

    /// <summary>Applies the events stored since the last refresh.</summary>
    public Task<RefreshResult> RefreshAsync(CancellationToken cancellationToken) => RunAsync(full: false, cancellationToken);

    /// <summary>Rebuilds every cohort from the events, whatever the watermark says (the repair verb).</summary>
    public Task<RefreshResult> RebuildAllAsync(CancellationToken cancellationToken) => RunAsync(full: true, cancellationToken);

    private async Task<RefreshResult> RunAsync(bool full, CancellationToken cancellationToken)
    {
        await OneAtATime.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return store.Cluster is null
                ? await RunHereAsync(full, cancellationToken).ConfigureAwait(false)
                : await RunShardsAsync(full, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            OneAtATime.Release();
        }
    }

    /// <summary>
    /// Holds every refresh run off while the caller reads the pre-aggregates whole (RollupMirror): the runs of this process
    /// and, on an embedded store, of the other processes on it (the file lock the runs take). A run half written would be
    /// read in part and then, once done, applied again from its rollup deltas.
    /// </summary>
    public static async Task<IDisposable> ExclusiveAsync(ClickHouseStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        await OneAtATime.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return new Exclusive(await FileLockAsync(store, cancellationToken).ConfigureAwait(false));
        }
        catch
        {
            OneAtATime.Release();
            throw;
        }
    }

    /// <summary>The lock the runs of every process on an embedded store take (null on a server: one service refreshes).</summary>
    private static async Task<FileLock?> FileLockAsync(ClickHouseStore store, CancellationToken cancellationToken) => store.Engine is { } engine
        ? await FileLock.AcquireAsync(Path.Combine(engine.Layout.RunDirectory, "refresh.lock"), TimeSpan.FromHours(1), cancellationToken).ConfigureAwait(false)
        : null;

    private sealed class Exclusive(IDisposable? fileLock) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                fileLock?.Dispose();
                OneAtATime.Release();
            }
        }
    }

    /// <summary>The refresh of this store's own database (a single node, or one shard of a cluster).</summary>
    private async Task<RefreshResult> RunHereAsync(bool full, CancellationToken cancellationToken)
    {
        using var fileLock = await FileLockAsync(store, cancellationToken).ConfigureAwait(false);
        var stopwatch = Stopwatch.StartNew();
        if (!_recovered)
        {
            await RecoverAsync(cancellationToken).ConfigureAwait(false);
            _recovered = true;
        }

        var window = await WindowAsync(full, cancellationToken).ConfigureAwait(false);
        var stale = full ? ulong.MaxValue : await FindStaleAsync(window, cancellationToken).ConfigureAwait(false);
        if (stale == 0)
        {
            logger.LogDebug("Refresh: no new events");
            await KeepWatermarkAsync(window, cancellationToken).ConfigureAwait(false);
            return new RefreshResult(RefreshKind.None, [], 0, stopwatch.Elapsed);
        }

        var result = stale <= (ulong)_options.IncrementalLimit
            ? await IncrementalAsync(window, cancellationToken).ConfigureAwait(false)
            : await CohortsAsync(window, full, cancellationToken).ConfigureAwait(false);
        await PersistWatermarkAsync(window, result, cancellationToken).ConfigureAwait(false);
        result = result with { Elapsed = stopwatch.Elapsed };
        logger.LogInformation("Refreshed {Dossiers} dossiers of {Cohorts} cohorts ({Kind}) in {Elapsed} ms",
            result.Dossiers, result.Cohorts.Count, result.Kind, stopwatch.ElapsedMilliseconds);
        return result;
    }

    /// <summary>Rebuilds whole the cohorts of any run that was staged and never finished (killed half-way).</summary>
    private async Task RecoverAsync(CancellationToken cancellationToken)
    {
        await using var connection = store.CreateConnection();
        var unfinished = (await connection.QueryAsync<(ulong Run, string[] Cohorts)>(new CommandDefinition(
            """
            SELECT run, arrayMap(c -> toString(c), any(cohorts)) FROM refresh_runs
            GROUP BY run HAVING countIf(state = 'done') = 0
            ORDER BY run
            """, cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();
        if (unfinished.Count == 0)
        {
            return;
        }

        var cohorts = unfinished.SelectMany(u => u.Cohorts).Distinct().Select(ParseDate).Order().ToList();
        logger.LogWarning("Refresh runs {Runs} did not finish: rebuilding their {Count} cohorts", string.Join(", ", unfinished.Select(u => u.Run)), cohorts.Count);
        var window = await WindowAsync(full: false, cancellationToken).ConfigureAwait(false);
        await RebuildCohortsAsync(cohorts, window, cancellationToken).ConfigureAwait(false);
        foreach (var (run, _) in unfinished)
        {
            await JournalAsync(run, "done", RefreshKind.Cohorts, [], 0, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The events to look at: stored after the watermark less the overlap, up to now (server clock).</summary>
    private async Task<Window> WindowAsync(bool full, CancellationToken cancellationToken)
    {
        await using var connection = store.CreateConnection();
        var row = await connection.QuerySingleAsync<(string From, string To)>(new CommandDefinition(
            """
            SELECT
                toString(if(@full OR (count() = 0 AND @memory = ''), toDateTime64(0, 6, 'UTC'),
                            greatest(max(watermark), toDateTime64(if(@memory = '', '1970-01-01 00:00:00', @memory), 6, 'UTC'))
                            - toIntervalSecond(@overlap))),
                toString(now64(6, 'UTC'))
            FROM refresh_watermark WHERE name = @name
            """,
            new { full, memory = _memoryWatermark ?? "", overlap = (int)Overlap.TotalSeconds, name = WatermarkName },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return new Window(row.From, row.To);
    }

    private async Task KeepWatermarkAsync(Window window, CancellationToken cancellationToken)
    {
        _memoryWatermark = window.To;
        if (DateTime.UtcNow - _persistedAt >= TimeSpan.FromMinutes(1))
        {
            await PersistWatermarkAsync(window, new RefreshResult(RefreshKind.None, [], 0, TimeSpan.Zero), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task PersistWatermarkAsync(Window window, RefreshResult result, CancellationToken cancellationToken)
    {
        await ExecuteAsync(
            "INSERT INTO refresh_watermark (name, watermark, cohorts, dossiers) SELECT @name, toDateTime64(@to, 6, 'UTC'), @cohorts, @dossiers",
            new { name = WatermarkName, to = window.To, cohorts = (uint)result.Cohorts.Count, dossiers = result.Dossiers },
            cancellationToken).ConfigureAwait(false);
        _memoryWatermark = window.To;
        _persistedAt = DateTime.UtcNow;
    }

    /// <summary>The next run number: the version of the rows a run writes.</summary>
    private async Task<ulong> NextRunAsync(CancellationToken cancellationToken)
    {
        await using var connection = store.CreateConnection();
        return await connection.ExecuteScalarAsync<ulong>(new CommandDefinition(
            "SELECT max(run) + 1 FROM refresh_runs", cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    private Task JournalAsync(ulong run, string state, RefreshKind kind, IReadOnlyList<DateOnly> cohorts, ulong dossiers, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "INSERT INTO refresh_runs (run, state, kind, cohorts, dossiers) SELECT @run, @state, @kind, arrayMap(c -> toDate(c), @cohorts), @dossiers",
            new { run, state, kind = kind == RefreshKind.Incremental ? "incremental" : "cohorts", cohorts = cohorts.Select(Format).ToArray(), dossiers },
            cancellationToken);

    private async Task ExecuteAsync(string sql, object? parameters, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        await using var connection = store.CreateConnection();
        await connection.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
        // Where a refresh spends its time, statement by statement (reform -v refresh).
        logger.LogDebug("Refresh step {Elapsed} ms: {Statement}", stopwatch.ElapsedMilliseconds, FirstLine(sql));
    }

    private static string FirstLine(string sql) => sql.AsSpan().TrimStart().ToString() is var text && text.IndexOf('\n', StringComparison.Ordinal) is var end and > 0
        ? text[..end].Trim() : text;

    private static DateOnly ParseDate(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Format(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The columns of dossier_state, in order.</summary>
    public const string StateColumns =
        "dossier_id, has_received, cohort, status, received_at, recorded_geo, province_code, province_2025, province_2008, level, " +
        "agency_code, sector_code, procedure_code, channel, online_enabled, has_fee, due_source, received_due_at, effective_due_at, " +
        "supplement_requests, supplement_wait_wd, paused_since, ended_at, outcome, resolution_class, resolution_class_766, " +
        "processing_wd, overdue_wd, overdue_from, returned_at, return_channel, apologized, apologized_at, paid_online, rating, " +
        "rated_at, events, anomalies, first_event_at, last_event_at, last_ingested_at";

    private static readonly string DailyKeys = string.Join(", ", PreAggregates.DailyKeys);
    private static readonly string MonthlyKeys = string.Join(", ", PreAggregates.MonthlyKeys);
    private static readonly string RollupDeltaKeys = string.Join(", ", PreAggregates.RollupDeltaKeys);

    private sealed record Window(string From, string To);
}

/// <summary>How a refresh applied the new events.</summary>
public enum RefreshKind
{
    /// <summary>Nothing was new.</summary>
    None,

    /// <summary>The stale dossiers were recomputed one by one and their difference added to the pre-aggregates.</summary>
    Incremental,

    /// <summary>The cohorts of the stale dossiers were rebuilt whole.</summary>
    Cohorts,
}

/// <summary>What a refresh did: the cohorts it touched and the dossiers it recomputed (for whole cohorts, every dossier
/// of them).</summary>
public sealed record RefreshResult(RefreshKind Kind, IReadOnlyList<DateOnly> Cohorts, ulong Dossiers, TimeSpan Elapsed);

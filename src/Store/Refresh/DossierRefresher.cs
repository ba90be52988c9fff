using System.Diagnostics;
using System.Globalization;
using Dapper;
using Microsoft.Extensions.Logging;
using ReformMetrics.Store.Embedded;

namespace ReformMetrics.Store.Refresh;

/// <summary>
/// Brings dossier_state, kpi_daily and kpi_monthly up to date with the events, one cohort (month of receipt)
/// at a time: each affected cohort is computed into a build table from v_dossier_state_live and swapped into
/// the live table with REPLACE PARTITION, so readers see the old partition or the new one, never a mix, and
/// nothing waits for a background merge.
/// </summary>
/// <remarks>
/// Affected cohorts come from the events stored since the last refresh (events.ingested_at after the watermark,
/// less an overlap that covers inserts still in flight when the previous refresh read them): the cohorts those
/// dossiers belong to now and belonged to before. Rebuilding a cohort is idempotent, so a refresh killed at
/// any point is simply run again. One refresh runs at a time per store (in-process semaphore, and a file lock
/// for the embedded engine); on a server, run it from the ingestion service only.
/// </remarks>
public sealed class DossierRefresher(ClickHouseStore store, ILogger<DossierRefresher> logger)
{
    /// <summary>The sentinel cohort of dossiers whose received event has not arrived.</summary>
    public static readonly DateOnly IncompleteCohort = new(1970, 1, 1);

    private const string WatermarkName = "dossier_state";
    private static readonly TimeSpan Overlap = TimeSpan.FromSeconds(60);
    private static readonly SemaphoreSlim OneAtATime = new(1, 1);

    /// <summary>Rebuilds the cohorts touched by events stored since the last refresh.</summary>
    public Task<RefreshResult> RefreshAsync(CancellationToken cancellationToken) => RunAsync(full: false, cancellationToken);

    /// <summary>Rebuilds every cohort from the events, whatever the watermark says.</summary>
    public Task<RefreshResult> RebuildAllAsync(CancellationToken cancellationToken) => RunAsync(full: true, cancellationToken);

    private async Task<RefreshResult> RunAsync(bool full, CancellationToken cancellationToken)
    {
        await OneAtATime.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var fileLock = store.Engine is { } engine
                ? await FileLock.AcquireAsync(Path.Combine(engine.Layout.RunDirectory, "refresh.lock"), TimeSpan.FromHours(1), cancellationToken).ConfigureAwait(false)
                : null;
            var stopwatch = Stopwatch.StartNew();
            var window = await WindowAsync(full, cancellationToken).ConfigureAwait(false);
            var cohorts = await AffectedCohortsAsync(window, full, cancellationToken).ConfigureAwait(false);
            if (cohorts.Count == 0)
            {
                // Nothing new: keep the watermark where it is (no row a call when polled often).
                logger.LogDebug("Refresh: no new events");
                return new RefreshResult(cohorts, 0, stopwatch.Elapsed);
            }

            ulong dossiers = 0;
            foreach (var cohort in cohorts)
            {
                dossiers += await RebuildCohortAsync(cohort, window, cancellationToken).ConfigureAwait(false);
            }

            await ExecuteAsync(
                "INSERT INTO refresh_watermark (name, watermark, cohorts, dossiers) SELECT @name, toDateTime64(@to, 6, 'UTC'), @cohorts, @dossiers",
                new { name = WatermarkName, to = window.To, cohorts = (uint)cohorts.Count, dossiers },
                cancellationToken).ConfigureAwait(false);
            logger.LogInformation("Refreshed {Cohorts} cohorts ({Dossiers} dossiers) in {Elapsed} ms", cohorts.Count, dossiers, stopwatch.ElapsedMilliseconds);
            return new RefreshResult(cohorts, dossiers, stopwatch.Elapsed);
        }
        finally
        {
            OneAtATime.Release();
        }
    }

    /// <summary>The events to look at: stored after the watermark less the overlap, up to now (server clock).</summary>
    private async Task<Window> WindowAsync(bool full, CancellationToken cancellationToken)
    {
        await using var connection = store.CreateConnection();
        var row = await connection.QuerySingleAsync<(string From, string To)>(new CommandDefinition(
            """
            SELECT
                toString(if(@full OR count() = 0, toDateTime64(0, 6, 'UTC'), max(watermark) - toIntervalSecond(@overlap))),
                toString(now64(6, 'UTC'))
            FROM refresh_watermark WHERE name = @name
            """,
            new { full, overlap = (int)Overlap.TotalSeconds, name = WatermarkName },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return new Window(row.From, row.To);
    }

    private async Task<List<DateOnly>> AffectedCohortsAsync(Window window, bool full, CancellationToken cancellationToken)
    {
        await using var connection = store.CreateConnection();
        var cohorts = await connection.QueryAsync<string>(new CommandDefinition(
            """
            WITH
            window_dossiers AS
            (
                SELECT dossier_id, max(ingested_at) AS latest FROM events
                WHERE ingested_at > toDateTime64(@from, 6, 'UTC') AND ingested_at <= toDateTime64(@to, 6, 'UTC')
                GROUP BY dossier_id
            ),
            -- The window overlaps the previous one; a dossier whose state already includes its newest event is not
            -- stale, so a refresh right after another one rebuilds nothing. (A dossier without a state row joins with
            -- the default 1970 time and counts as stale.)
            affected AS
            (
                SELECT w.dossier_id FROM window_dossiers AS w
                LEFT ANY JOIN
                (
                    SELECT dossier_id, last_ingested_at FROM dossier_state WHERE dossier_id IN (SELECT dossier_id FROM window_dossiers)
                ) AS s ON s.dossier_id = w.dossier_id
                WHERE @full OR w.latest > s.last_ingested_at
            )
            SELECT DISTINCT toString(cohort) FROM
            (
                SELECT if(countIf(event_type = 'received') = 0, toDate(0), toStartOfMonth(minIf(occurred_at, event_type = 'received'))) AS cohort
                FROM events WHERE dossier_id IN affected GROUP BY dossier_id
                UNION ALL
                SELECT cohort FROM dossier_state WHERE dossier_id IN affected OR @full
            )
            ORDER BY 1
            """,
            new { from = window.From, to = window.To, full },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return cohorts.Select(c => DateOnly.ParseExact(c, "yyyy-MM-dd", CultureInfo.InvariantCulture)).ToList();
    }

    private async Task<ulong> RebuildCohortAsync(DateOnly cohort, Window window, CancellationToken cancellationToken)
    {
        var partition = (cohort.Year * 100 + cohort.Month).ToString(CultureInfo.InvariantCulture);
        var parameters = new { cohort = cohort.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), from = window.From, to = window.To };

        // Dossiers that can belong to the cohort: received in that month, or (for the incomplete cohort) already
        // incomplete or touched by the new events. The IN filter reaches the events' primary key through the view.
        var candidates = cohort == IncompleteCohort
            ? """
              SELECT dossier_id FROM dossier_state WHERE cohort = toDate(0)
              UNION ALL
              SELECT dossier_id FROM events WHERE ingested_at > toDateTime64(@from, 6, 'UTC') AND ingested_at <= toDateTime64(@to, 6, 'UTC')
              """
            : """
              SELECT dossier_id FROM events
              WHERE event_type = 'received'
                AND occurred_at >= toDateTime64(toDate(@cohort), 3, 'Asia/Ho_Chi_Minh')
                AND occurred_at < toDateTime64(toDate(@cohort) + INTERVAL 1 MONTH, 3, 'Asia/Ho_Chi_Minh')
              """;

        await ExecuteAsync($"ALTER TABLE dossier_state_build DROP PARTITION {partition}", null, cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(
            $"""
            INSERT INTO dossier_state_build ({StateColumns})
            SELECT {StateColumns} FROM v_dossier_state_live
            WHERE dossier_id IN ({candidates}) AND cohort = toDate(@cohort)
            """,
            parameters, cancellationToken).ConfigureAwait(false);
        var dossiers = await SwapAsync("dossier_state", partition, parameters, cancellationToken).ConfigureAwait(false);

        await ExecuteAsync($"ALTER TABLE kpi_daily_build DROP PARTITION {partition}", null, cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(
            $"""
            INSERT INTO kpi_daily_build ({DailyKeys}, {PreAggregates.MeasureNames})
            SELECT {DailyKeys}, {PreAggregates.Rollups}
            FROM kpi_contributions WHERE cohort = toDate(@cohort)
            GROUP BY {DailyKeys}
            """,
            parameters, cancellationToken).ConfigureAwait(false);
        await SwapAsync("kpi_daily", partition, parameters, cancellationToken).ConfigureAwait(false);

        await ExecuteAsync($"ALTER TABLE kpi_monthly_build DROP PARTITION {partition}", null, cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(
            $"""
            INSERT INTO kpi_monthly_build ({MonthlyKeys}, {PreAggregates.MeasureNames})
            SELECT cohort, toStartOfMonth(day) AS month, province_2025, province_2008, level, sector_code, channel, {PreAggregates.Rollups}
            FROM kpi_daily WHERE cohort = toDate(@cohort)
            GROUP BY {MonthlyKeys}
            """,
            parameters, cancellationToken).ConfigureAwait(false);
        await SwapAsync("kpi_monthly", partition, parameters, cancellationToken).ConfigureAwait(false);

        logger.LogDebug("Cohort {Cohort}: {Dossiers} dossiers", cohort, dossiers);
        return dossiers;
    }

    /// <summary>Replaces the live partition with the built one (or drops it when the cohort is now empty).</summary>
    private async Task<ulong> SwapAsync(string table, string partition, object parameters, CancellationToken cancellationToken)
    {
        await using var connection = store.CreateConnection();
        var rows = await connection.ExecuteScalarAsync<ulong>(new CommandDefinition(
            $"SELECT count() FROM {table}_build WHERE cohort = toDate(@cohort)", parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
        await ExecuteAsync(
            rows > 0 ? $"ALTER TABLE {table} REPLACE PARTITION {partition} FROM {table}_build" : $"ALTER TABLE {table} DROP PARTITION {partition}",
            null, cancellationToken).ConfigureAwait(false);
        await ExecuteAsync($"ALTER TABLE {table}_build DROP PARTITION {partition}", null, cancellationToken).ConfigureAwait(false);
        return rows;
    }

    private async Task ExecuteAsync(string sql, object? parameters, CancellationToken cancellationToken)
    {
        await using var connection = store.CreateConnection();
        await connection.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>The columns of dossier_state, in order.</summary>
    public const string StateColumns =
        "dossier_id, has_received, cohort, status, received_at, recorded_geo, province_code, province_2025, province_2008, level, " +
        "agency_code, sector_code, procedure_code, channel, online_enabled, has_fee, due_source, received_due_at, effective_due_at, " +
        "supplement_requests, supplement_wait_wd, paused_since, ended_at, outcome, resolution_class, resolution_class_766, " +
        "processing_wd, overdue_wd, overdue_from, returned_at, return_channel, apologized, apologized_at, paid_online, rating, " +
        "rated_at, events, anomalies, first_event_at, last_event_at, last_ingested_at";

    private static readonly string DailyKeys = string.Join(", ", PreAggregates.DailyKeys);
    private static readonly string MonthlyKeys = string.Join(", ", PreAggregates.MonthlyKeys);

    private sealed record Window(string From, string To);
}

/// <summary>What a refresh rebuilt.</summary>
public sealed record RefreshResult(IReadOnlyList<DateOnly> Cohorts, ulong Dossiers, TimeSpan Elapsed);

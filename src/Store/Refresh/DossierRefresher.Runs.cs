using Dapper;
using Microsoft.Extensions.Logging;

namespace ReformMetrics.Store.Refresh;

public sealed partial class DossierRefresher
{
    /// <summary>
    /// The newest row of each dossier of <c>ids</c> (a subquery), deletion rows included: dossier_state without FINAL,
    /// reached through the dossier_id bloom filter, so its cost follows the dossiers asked for.
    /// </summary>
    private static string CurrentRows(string ids) =>
        $"""
        SELECT {StateColumns}, is_deleted FROM dossier_state_rows
        WHERE dossier_id IN ({ids})
        ORDER BY dossier_id, version DESC, is_deleted
        LIMIT 1 BY dossier_id
        """;

    /// <summary>
    /// The dossiers with events in the window whose state was computed from fewer distinct events than they have now. The
    /// count, not the time of the newest event, decides: one insert's parts (one per month) become visible one after
    /// the other with the same ingested_at, and two concurrent inserts can become visible in the opposite order of
    /// their times, so a state can include a later event and miss an earlier one. Events only ever add up, so an equal
    /// count means the same events. A dossier without a state row joins with 0 events and is stale.
    /// </summary>
    private static readonly string StaleDossiers =
        $"""
        SELECT w.dossier_id FROM
        (
            SELECT dossier_id, toUInt32(uniqExact(event_id)) AS events FROM events
            WHERE dossier_id IN ({WindowDossiers})
            GROUP BY dossier_id
        ) AS w
        LEFT ANY JOIN
        (
            SELECT dossier_id, events FROM ({CurrentRows(WindowDossiers)}) WHERE is_deleted = 0
        ) AS s ON s.dossier_id = w.dossier_id
        WHERE w.events != s.events
        """;

    private const string WindowDossiers =
        "SELECT dossier_id FROM events WHERE ingested_at > toDateTime64(@from, 6, 'UTC') AND ingested_at <= toDateTime64(@to, 6, 'UTC')";

    /// <summary>Finds the stale dossiers once, into refresh_stale, which the run then reads: counts them.</summary>
    private async Task<ulong> FindStaleAsync(Window window, CancellationToken cancellationToken)
    {
        await ExecuteAsync("TRUNCATE TABLE refresh_stale", null, cancellationToken).ConfigureAwait(false);
        await ExecuteAsync($"INSERT INTO refresh_stale (dossier_id) {StaleDossiers}", new { from = window.From, to = window.To }, cancellationToken).ConfigureAwait(false);
        await using var connection = store.CreateConnection();
        var stale = await connection.ExecuteScalarAsync<ulong>(new CommandDefinition(
            "SELECT count() FROM refresh_stale", cancellationToken: cancellationToken)).ConfigureAwait(false);
        logger.LogDebug("Refresh: {Stale} stale dossiers", stale);
        return stale;
    }

    /// <summary>
    /// Recomputes the stale dossiers only: their new and old rows go to dossier_state_delta (signed), the new rows are
    /// versioned into dossier_state_rows, and the signed contributions are added to kpi_daily and kpi_monthly. Nothing
    /// here reads a cohort: the cost follows the dossiers.
    /// </summary>
    private async Task<RefreshResult> IncrementalAsync(Window window, CancellationToken cancellationToken)
    {
        var run = await NextRunAsync(cancellationToken).ConfigureAwait(false);
        var parameters = new { run, from = window.From, to = window.To };
        await ExecuteAsync("TRUNCATE TABLE dossier_state_delta", null, cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(
            $"""
            INSERT INTO dossier_state_delta (run, sign, {StateColumns})
            SELECT @run, 1, {StateColumns} FROM v_dossier_state_live WHERE dossier_id IN (SELECT dossier_id FROM refresh_stale)
            """, parameters, cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(
            $"""
            INSERT INTO dossier_state_delta (run, sign, {StateColumns})
            SELECT @run, -1, {StateColumns}
            FROM ({CurrentRows("SELECT dossier_id FROM dossier_state_delta WHERE run = @run AND sign = 1")})
            WHERE is_deleted = 0
            """, parameters, cancellationToken).ConfigureAwait(false);

        await using (var connection = store.CreateConnection())
        {
            var (cohorts, dossiers) = await connection.QuerySingleAsync<(string[] Cohorts, ulong Dossiers)>(new CommandDefinition(
                "SELECT arraySort(arrayMap(c -> toString(c), groupUniqArray(cohort))), countIf(sign = 1) FROM dossier_state_delta WHERE run = @run",
                parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
            var touched = cohorts.Select(ParseDate).ToList();
            if (dossiers == 0)
            {
                return new RefreshResult(RefreshKind.None, [], 0, TimeSpan.Zero);
            }

            await JournalAsync(run, "staged", RefreshKind.Incremental, touched, dossiers, cancellationToken).ConfigureAwait(false);

            // The new rows, and a deletion row under the old key where the key (province) or the partition (cohort)
            // changed: elsewhere the new version replaces the old row by itself.
            await ExecuteAsync(
                $"""
                INSERT INTO dossier_state_rows ({StateColumns}, version, is_deleted)
                SELECT {StateColumns}, @run, 0 FROM dossier_state_delta WHERE run = @run AND sign = 1
                UNION ALL
                SELECT {StateColumns}, @run, 1 FROM dossier_state_delta
                WHERE run = @run AND sign = -1
                  AND (dossier_id, province_2025, cohort) NOT IN
                      (SELECT dossier_id, province_2025, cohort FROM dossier_state_delta WHERE run = @run AND sign = 1)
                """, parameters, cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(
                $"""
                INSERT INTO kpi_daily ({DailyKeys}, {PreAggregates.MeasureNames})
                SELECT {DailyKeys}, {PreAggregates.Rollups} FROM kpi_contributions WHERE run = @run
                GROUP BY {DailyKeys}
                """, parameters, cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(
                $"""
                INSERT INTO kpi_monthly ({MonthlyKeys}, {PreAggregates.MeasureNames})
                SELECT cohort, toStartOfMonth(day) AS month, province_2025, province_2008, level, sector_code, channel, {PreAggregates.Rollups}
                FROM kpi_contributions WHERE run = @run
                GROUP BY {MonthlyKeys}
                """, parameters, cancellationToken).ConfigureAwait(false);
            // The same change by month for the services that hold the rollup in memory (RollupMirror), written before the
            // run is done: a done run's rows are complete.
            await ExecuteAsync(
                $"""
                INSERT INTO rollup_deltas (run, {RollupDeltaKeys}, {PreAggregates.MeasureNames})
                SELECT @run, toStartOfMonth(day) AS month, province_2025, province_2008, level, agency_code, sector_code, channel, {PreAggregates.Rollups}
                FROM kpi_contributions WHERE run = @run
                GROUP BY {RollupDeltaKeys}
                """, parameters, cancellationToken).ConfigureAwait(false);
            await JournalAsync(run, "done", RefreshKind.Incremental, touched, dossiers, cancellationToken).ConfigureAwait(false);
            return new RefreshResult(RefreshKind.Incremental, touched, dossiers, TimeSpan.Zero);
        }
    }

    /// <summary>Rebuilds whole the cohorts the stale dossiers belong to now and belonged to before (or every cohort).</summary>
    private async Task<RefreshResult> CohortsAsync(Window window, bool full, CancellationToken cancellationToken)
    {
        List<DateOnly> cohorts;
        await using (var connection = store.CreateConnection())
        {
            cohorts = (await connection.QueryAsync<string>(new CommandDefinition(
                $"""
                SELECT DISTINCT toString(cohort) FROM
                (
                    SELECT if(countIf(event_type = 'received') = 0, toDate(0), toStartOfMonth(minIf(occurred_at, event_type = 'received'))) AS cohort
                    FROM events WHERE @full OR dossier_id IN (SELECT dossier_id FROM refresh_stale) GROUP BY dossier_id
                    UNION ALL
                    SELECT cohort FROM dossier_state WHERE @full OR dossier_id IN (SELECT dossier_id FROM refresh_stale)
                )
                ORDER BY 1
                """,
                new { from = window.From, to = window.To, full },
                cancellationToken: cancellationToken)).ConfigureAwait(false)).Select(ParseDate).ToList();
        }

        var dossiers = await RebuildCohortsAsync(cohorts, window, cancellationToken).ConfigureAwait(false);
        return new RefreshResult(RefreshKind.Cohorts, cohorts, dossiers, TimeSpan.Zero);
    }

    /// <summary>Rebuilds the cohorts whole, as one journalled run whose number is the version of every row written.</summary>
    private async Task<ulong> RebuildCohortsAsync(List<DateOnly> cohorts, Window window, CancellationToken cancellationToken)
    {
        if (cohorts.Count == 0)
        {
            return 0;
        }

        var run = await NextRunAsync(cancellationToken).ConfigureAwait(false);
        await JournalAsync(run, "staged", RefreshKind.Cohorts, cohorts, 0, cancellationToken).ConfigureAwait(false);
        ulong dossiers = 0;
        foreach (var cohort in cohorts)
        {
            dossiers += await RebuildCohortAsync(run, cohort, window, cancellationToken).ConfigureAwait(false);
        }

        // The state rows are computed from every event stored so far, even those after the window: a dossier whose
        // late received event moved it into a rebuilt cohort can still have a live row in a partition left alone (the
        // incomplete cohort, typically). Such a row is older than the run, and gets a deletion row.
        await ExecuteAsync(
            $"""
            INSERT INTO dossier_state_rows ({StateColumns}, version, is_deleted)
            SELECT {StateColumns}, @run, 1 FROM
            (
                SELECT *, max(version) OVER (PARTITION BY dossier_id) AS newest FROM
                (
                    SELECT {StateColumns}, version, is_deleted FROM dossier_state_rows
                    WHERE dossier_id IN (SELECT dossier_id FROM dossier_state_rows WHERE version = @run AND last_ingested_at > toDateTime64(@to, 6, 'UTC'))
                    ORDER BY dossier_id, cohort, province_2025, version DESC, is_deleted
                    LIMIT 1 BY dossier_id, cohort, province_2025
                )
            )
            WHERE is_deleted = 0 AND version < newest
            """,
            new { run, to = window.To }, cancellationToken).ConfigureAwait(false);

        await JournalAsync(run, "done", RefreshKind.Cohorts, cohorts, dossiers, cancellationToken).ConfigureAwait(false);
        return dossiers;
    }

    private async Task<ulong> RebuildCohortAsync(ulong run, DateOnly cohort, Window window, CancellationToken cancellationToken)
    {
        var partition = (cohort.Year * 100 + cohort.Month).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var parameters = new { run, cohort = Format(cohort), from = window.From, to = window.To };

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
            INSERT INTO dossier_state_build ({StateColumns}, version, is_deleted)
            SELECT {StateColumns}, @run, 0 FROM v_dossier_state_live
            WHERE dossier_id IN ({candidates}) AND cohort = toDate(@cohort)
            """,
            parameters, cancellationToken).ConfigureAwait(false);
        var dossiers = await SwapAsync("dossier_state_rows", "dossier_state_build", partition, parameters, cancellationToken).ConfigureAwait(false);

        await ExecuteAsync($"ALTER TABLE kpi_daily_build DROP PARTITION {partition}", null, cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(
            $"""
            INSERT INTO kpi_daily_build ({DailyKeys}, {PreAggregates.MeasureNames})
            SELECT {DailyKeys}, {PreAggregates.Rollups}
            FROM kpi_contributions WHERE run = 0 AND cohort = toDate(@cohort)
            GROUP BY {DailyKeys}
            """,
            parameters, cancellationToken).ConfigureAwait(false);
        await SwapAsync("kpi_daily", "kpi_daily_build", partition, parameters, cancellationToken).ConfigureAwait(false);

        await ExecuteAsync($"ALTER TABLE kpi_monthly_build DROP PARTITION {partition}", null, cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(
            $"""
            INSERT INTO kpi_monthly_build ({MonthlyKeys}, {PreAggregates.MeasureNames})
            SELECT cohort, toStartOfMonth(day) AS month, province_2025, province_2008, level, sector_code, channel, {PreAggregates.Rollups}
            FROM kpi_daily WHERE cohort = toDate(@cohort)
            GROUP BY {MonthlyKeys}
            """,
            parameters, cancellationToken).ConfigureAwait(false);
        await SwapAsync("kpi_monthly", "kpi_monthly_build", partition, parameters, cancellationToken).ConfigureAwait(false);
        return dossiers;
    }

    /// <summary>Replaces the live partition with the built one (or drops it when the cohort is now empty).</summary>
    private async Task<ulong> SwapAsync(string table, string build, string partition, object parameters, CancellationToken cancellationToken)
    {
        await using var connection = store.CreateConnection();
        var rows = await connection.ExecuteScalarAsync<ulong>(new CommandDefinition(
            $"SELECT count() FROM {build} WHERE cohort = toDate(@cohort)", parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
        await ExecuteAsync(
            rows > 0 ? $"ALTER TABLE {table} REPLACE PARTITION {partition} FROM {build}" : $"ALTER TABLE {table} DROP PARTITION {partition}",
            null, cancellationToken).ConfigureAwait(false);
        await ExecuteAsync($"ALTER TABLE {build} DROP PARTITION {partition}", null, cancellationToken).ConfigureAwait(false);
        return rows;
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dapper;
using Spectre.Console;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ReformMetrics.Ingest;
using ReformMetrics.Ingest.Ledger;
using ReformMetrics.Ingest.Limits;
using ReformMetrics.Ingest.Loading;
using ReformMetrics.Store;
using ReformMetrics.Store.Migrations;
using ReformMetrics.Store.Refresh;
using ReformMetrics.Synthetic;

namespace ReformMetrics.Cli.Bench;

/// <summary>
/// `reform bench refresh [--dossiers N] [--events 100,1000,10000] [--rounds R]`: in the database bench_refresh, N dossiers
/// received in one month; then, R times for each batch size k, k late resolutions of dossiers in progress are loaded
/// and applied by the incremental refresh, and another k by a refresh forced to rebuild the month whole (the way every
/// refresh worked before, the baseline measured in the same run). Prints the medians, their ratio and the cost per
/// dossier, checks after each batch that exactly k more dossiers count as resolved, and at the end that the
/// pre-aggregates equal a full rebuild.
/// </summary>
internal static class RefreshBenchmark
{
    private const string Database = "bench_refresh";
    private static readonly DateOnly Month = new(2025, 10, 1);

    public static async Task<int> RunAsync(CliHost cli, long dossiers, int[] sizes, int rounds, CancellationToken cancellationToken)
    {
        var scratch = Directory.CreateTempSubdirectory("reform-bench-refresh-").FullName;
        try
        {
            await using var store = new ClickHouseStore(
                Options.Create(new ClickHouseOptions { ConnectionString = cli.Store.ConnectionString, Database = Database }), NullLoggerFactory.Instance);
            await store.OpenAsync(null, cancellationToken);
            await FreshDatabaseAsync(store, cancellationToken);

            var stopwatch = Stopwatch.StartNew();
            new DossierGenerator().Generate(new GeneratorOptions(dossiers, Month, Month.AddMonths(1).AddDays(-1), 1, scratch), null, cancellationToken);
            using var coordinator = new IngestCoordinator(Options.Create(new IntakeOptions()));
            var ingestor = Ingestor(store, coordinator);
            long events = 0;
            foreach (var file in Directory.EnumerateFiles(scratch, "events-*.csv").Order(StringComparer.Ordinal))
            {
                events += (await ingestor.IngestFileAsync(file, null, cancellationToken)).Accepted;
            }

            ConsoleUi.Info($"Đã sinh và nạp {dossiers:N0} hồ sơ ({events:N0} sự kiện) của tháng {Month:MM/yyyy} trong {stopwatch.Elapsed.TotalSeconds:N0} giây.");
            var incremental = new DossierRefresher(store, NullLogger<DossierRefresher>.Instance, Options.Create(new RefreshOptions { IncrementalLimit = 10_000_000 }));
            var whole = new DossierRefresher(store, NullLogger<DossierRefresher>.Instance, Options.Create(new RefreshOptions { IncrementalLimit = 0 }));
            var first = await whole.RefreshAsync(cancellationToken);
            ConsoleUi.Out.WriteLine($"first refresh (the month whole, {first.Dossiers:N0} dossiers): {first.Elapsed.TotalMilliseconds:N0} ms");

            var exact = true;
            var batch = 0;
            foreach (var size in sizes)
            {
                var fast = new List<double>();
                var slow = new List<double>();
                for (var round = 1; round <= rounds; round++)
                {
                    foreach (var (refresher, times) in new[] { (incremental, fast), (whole, slow) })
                    {
                        var path = await LateResolutionsAsync(store, scratch, size, ++batch, cancellationToken);
                        var before = await ResolvedAsync(store, cancellationToken);
                        await ingestor.IngestFileAsync(path, null, cancellationToken);
                        var result = await refresher.RefreshAsync(cancellationToken);
                        var counted = await ResolvedAsync(store, cancellationToken) - before;
                        exact &= counted == size;
                        times.Add(result.Elapsed.TotalMilliseconds);
                        ConsoleUi.Out.WriteLine(
                            $"k={size:N0} round {round}: {result.Kind} refresh of {result.Dossiers:N0} dossiers {result.Elapsed.TotalMilliseconds:N0} ms, resolved +{counted:N0}");
                    }
                }

                var (f, s) = (Median(fast), Median(slow));
                ConsoleUi.Out.WriteLine(
                    $"k={size:N0} late events: incremental {f:N0} ms ({f / size:N2} ms per dossier), month rebuilt whole {s:N0} ms; ratio whole / incremental {s / f:N1}");
            }

            // Idle: a pass right after a load looks back over the minute before it (inserts still in flight); once that
            // minute has passed, a pass must cost the same on any store.
            var afterLoad = (await incremental.RefreshAsync(cancellationToken)).Elapsed.TotalMilliseconds;
            ConsoleUi.Info("Chờ 65 giây không có sự kiện mới để đo lượt cập nhật khi rỗi...");
            await Task.Delay(TimeSpan.FromSeconds(65), cancellationToken);
            await incremental.RefreshAsync(cancellationToken);
            var idle = new List<double>();
            for (var i = 0; i < 5; i++)
            {
                idle.Add((await incremental.RefreshAsync(cancellationToken)).Elapsed.TotalMilliseconds);
            }

            ConsoleUi.Out.WriteLine($"refresh with nothing new: {afterLoad:N0} ms within a minute of the last load, then median {Median(idle):N0} ms of 5 "
                + $"(a bare round trip: {await Feed.FeedBaselines.RoundTripAsync(store, cancellationToken):N1} ms; the store holds {events:N0} events)");
            var streamed = await FingerprintAsync(store, cancellationToken);
            await incremental.RebuildAllAsync(cancellationToken);
            var same = streamed == await FingerprintAsync(store, cancellationToken);
            ConsoleUi.Out.WriteLine($"every batch counted exactly: {(exact ? "yes" : "NO")}; pre-aggregates equal a full rebuild: {(same ? "yes" : "NO")}");
            return exact && same ? ReformCommand.Ok : ReformCommand.Failure;
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static EventIngestor Ingestor(ClickHouseStore store, IngestCoordinator coordinator)
    {
        var ledger = new SourceLedger(store, NullLogger<SourceLedger>.Instance);
        return new EventIngestor(store, new EventLoader(store, ledger, coordinator, NullLogger<EventLoader>.Instance), ledger, coordinator, TimeProvider.System,
            Options.Create(new IntakeOptions()), NullLogger<EventIngestor>.Instance);
    }

    /// <summary>A file resolving <paramref name="size"/> dossiers in progress, picked at random among the month's.</summary>
    private static async Task<string> LateResolutionsAsync(ClickHouseStore store, string scratch, int size, int batch, CancellationToken cancellationToken)
    {
        await using var connection = store.CreateConnection();
        var picked = await connection.QueryAsync<(string Dossier, string ReceivedAt)>(new CommandDefinition(
            """
            SELECT dossier_id, formatDateTime(received_at + INTERVAL 1 DAY, '%Y-%m-%dT%H:%i:%S+07:00', 'Asia/Ho_Chi_Minh')
            FROM dossier_state WHERE status = 'in_progress'
            ORDER BY cityHash64(dossier_id, @batch) LIMIT @size
            """, new { size, batch }, cancellationToken: cancellationToken));
        var text = new StringBuilder("event_id,dossier_id,event_type,occurred_at,province_code,level,agency_code,sector_code,procedure_code,channel,online_enabled,due_at,outcome,rating,reason\n");
        foreach (var (dossier, at) in picked)
        {
            text.Append(CultureInfo.InvariantCulture, $"{dossier}/late-{batch},{dossier},resolved,{at},,,,,,,,,approved,,\n");
        }

        var path = Path.Combine(scratch, $"late-{batch:D4}.csv");
        await File.WriteAllTextAsync(path, text.ToString(), cancellationToken);
        return path;
    }

    private static async Task<long> ResolvedAsync(ClickHouseStore store, CancellationToken cancellationToken)
    {
        await using var connection = store.CreateConnection();
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT sum(resolved_early + resolved_on_time + resolved_overdue) FROM kpi_monthly", cancellationToken: cancellationToken));
    }

    /// <summary>A fingerprint of what kpi_daily and kpi_monthly add up to per key (keys adding up to nothing left out).</summary>
    private static async Task<(ulong Daily, ulong Monthly)> FingerprintAsync(ClickHouseStore store, CancellationToken cancellationToken)
    {
        var sums = string.Join(", ", PreAggregates.Measures.Select(m => m.IsMap ? $"mapFilter((k, v) -> v != 0, sumMap({m.Name}))" : $"sum({m.Name})"));
        await using var connection = store.CreateConnection();
        async Task<ulong> Of(string table, IReadOnlyList<string> keys) => await connection.ExecuteScalarAsync<ulong>(new CommandDefinition(
            $"""
            SELECT groupBitXor(cityHash64(*)) FROM
            (
                SELECT {string.Join(", ", keys)}, {sums} FROM {table} GROUP BY {string.Join(", ", keys)}
                HAVING cityHash64({sums}) != cityHash64({string.Join(", ", PreAggregates.Measures.Select(m => m.IsMap ? "map()" : "0"))})
            )
            """, cancellationToken: cancellationToken));
        return (await Of("kpi_daily", PreAggregates.DailyKeys), await Of("kpi_monthly", PreAggregates.MonthlyKeys));
    }

    private static async Task FreshDatabaseAsync(ClickHouseStore store, CancellationToken cancellationToken)
    {
        await using (var connection = store.CreateServerConnection())
        {
            await connection.ExecuteAsync($"DROP DATABASE IF EXISTS {Database} SYNC");
        }

        await new MigrationRunner(store, NullLogger<MigrationRunner>.Instance).RunAsync(Migration.LoadEmbedded(), cancellationToken);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}

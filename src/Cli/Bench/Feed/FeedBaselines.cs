using System.Diagnostics;
using ClickHouse.Driver;
using Dapper;
using Spectre.Console;
using Microsoft.Extensions.Logging.Abstractions;
using ReformMetrics.Cli.Bench.Campaign;
using ReformMetrics.Ingest.Contract;
using ReformMetrics.Metrics.Periods;
using ReformMetrics.Metrics.Query;
using ReformMetrics.Store;
using ReformMetrics.Store.Refresh;

namespace ReformMetrics.Cli.Bench.Feed;

/// <summary>What `reform bench feed` compares its figures with, measured in the same run, and its exactness check.</summary>
internal static class FeedBaselines
{
    /// <summary>The median of 21 bare <c>SELECT 1</c> round trips, in milliseconds.</summary>
    public static async Task<double> RoundTripAsync(ClickHouseStore store, CancellationToken cancellationToken)
    {
        await using var connection = store.CreateConnection();
        var times = new List<double>();
        for (var i = 0; i < 21; i++)
        {
            var watch = Stopwatch.StartNew();
            await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT 1", cancellationToken: cancellationToken));
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        return times[times.Count / 2];
    }

    /// <summary>ClickHouse's own <c>INSERT ... FORMAT CSVWithNames</c> of as many events of the feed's shape, into a scratch
    /// table dropped afterwards: events per second.</summary>
    public static async Task<double> CsvInsertRateAsync(
        ClickHouseStore store, string work, long events, IReadOnlyList<ProvinceFacts> provinces, CancellationToken cancellationToken)
    {
        var file = Path.Combine(work, "feed-baseline.csv");
        var written = new CampaignEvents("FDCSV-", provinces).WriteFile(file, Math.Max(1, events / 4), DateTimeOffset.UtcNow);
        await using (var connection = store.CreateConnection())
        {
            await connection.ExecuteAsync("DROP TABLE IF EXISTS bench_feed_csv");
            await connection.ExecuteAsync("CREATE TABLE bench_feed_csv AS events");
        }

        try
        {
            var options = new QueryOptions
            {
                CustomSettings = new Dictionary<string, object> { ["async_insert"] = 0, ["date_time_input_format"] = "best_effort" },
            };
            var watch = Stopwatch.StartNew();
            await using (var stream = File.OpenRead(file))
            {
                using var response = await store.Client.InsertRawStreamAsync(
                    "bench_feed_csv", stream, "CSVWithNames", EventFields.Names, useCompression: false, options, cancellationToken);
            }

            return written / watch.Elapsed.TotalSeconds;
        }
        finally
        {
            await using var connection = store.CreateConnection();
            await connection.ExecuteAsync("DROP TABLE IF EXISTS bench_feed_csv");
            File.Delete(file);
        }
    }

    /// <summary>Every dossier metric of the year, by month, for no grouping and each dimension and both geographies, from
    /// both pre-aggregates: the same before and after a full rebuild from the events.</summary>
    public static async Task<bool> EqualsFullRebuildAsync(ClickHouseStore store, string year, CancellationToken cancellationToken)
    {
        var period = Period.Parse(year, DateOnly.FromDateTime(DateTime.UtcNow.AddHours(7)));
        var streamed = await KpiSnapshot.TakeAsync(store, period, cancellationToken);
        ConsoleUi.Info("Đang dựng lại toàn bộ từ các sự kiện để so sánh (reform refresh --all)...");
        var watch = Stopwatch.StartNew();
        await new DossierRefresher(store, NullLogger<DossierRefresher>.Instance).RebuildAllAsync(cancellationToken);
        var rebuilt = await KpiSnapshot.TakeAsync(store, period, cancellationToken);
        var differences = KpiSnapshot.Differences(rebuilt, streamed);
        ConsoleUi.Out.WriteLine($"exactness: {rebuilt.Count:N0} values compared with a full rebuild ({watch.Elapsed.TotalSeconds:N0} s): {differences.Count:N0} differ"
            + (differences.Count > 0 ? $" (e.g. {string.Join("; ", differences.Take(3))})" : string.Empty));
        return differences.Count == 0;
    }
}

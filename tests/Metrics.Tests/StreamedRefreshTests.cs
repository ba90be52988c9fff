using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ReformMetrics.Metrics.Catalogue;
using ReformMetrics.Metrics.Periods;
using ReformMetrics.Metrics.Query;
using ReformMetrics.Metrics.Query.Mirror;
using ReformMetrics.Store;
using ReformMetrics.Store.Refresh;
using ReformMetrics.Synthetic;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Metrics.Tests;

/// <summary>
/// The continuous feed in small: generated events (with duplicates, late and out-of-order ones) arrive in random
/// batches and in random order, while refreshes run in between (incremental ones, and now and then whole cohorts) and,
/// in a second phase, at the same time as the loads. Afterwards every dossier metric, for every grouping, both
/// geographies and both pre-aggregates, must equal what a full rebuild from the events gives.
/// </summary>
public sealed class StreamedRefreshTests(TestEngine engine)
{
    private static readonly Period Months = Period.Range(new DateOnly(2025, 5, 1), new DateOnly(2025, 8, 31));

    [Theory]
    [InlineData(11)]
    [InlineData(29)]
    public async Task Every_metric_after_a_stream_of_batches_and_refreshes_equals_a_full_rebuild(int seed)
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var database = new TestDatabase(engine);
        await database.InitializeAsync();
        var directory = Directory.CreateTempSubdirectory("reform-streamed-").FullName;
        try
        {
            new DossierGenerator().Generate(new GeneratorOptions(1_500, Months.Start, Months.End, (ulong)seed, directory, Noise: 0.05), null, cancel);
            var random = new Random(seed);
            var batches = await LoadOthersAndSplitEventsAsync(database.Store, directory, random, cancel);
            var incremental = Refresher(database.Store, 1_000_000);
            var wholeCohorts = Refresher(database.Store, 0);
            var kinds = new HashSet<RefreshKind>();
            // The rows held in memory follow the refresh runs from the first batch on, partition by partition, while loads and
            // refreshes go on (phase 2 reads it at the same time as they run): at the end they must equal the rebuild too.
            using var mirror = new RollupMirror(database.Store, NullLogger<RollupMirror>.Instance);
            var reader = new KpiService(database.Store, NullLogger<KpiService>.Instance) { RollupMirror = mirror };
            var engineReader = new KpiService(database.Store, NullLogger<KpiService>.Instance) { InProcessFormulas = false };
            var question = new Selection { Period = Months, GroupBy = [Dimension.Province, Dimension.Channel], Grain = TimeGrain.Month };
            async Task ReadAsync() => await reader.GetAsync(question, compare: false, cancel);
            // Between loads and refreshes (phase 1) the mirror must equal the engine after every run, not only at the end.
            Selection[] compared = [question, question with { GroupBy = [Dimension.Sector, Dimension.Level] }, question with { GroupBy = [Dimension.Agency] }];
            async Task CompareAsync()
            {
                foreach (var selection in compared)
                {
                    var (mirrored, engine) = (await reader.GetAsync(selection, compare: false, cancel), await engineReader.GetAsync(selection, compare: false, cancel));
                    Assert.Equal(engine.Groups.Select(g => (g.Keys, g.Period, g.Values)), mirrored.Groups.Select(g => (g.Keys, g.Period, g.Values)));
                }
            }

            // Phase 1: loads and refreshes one after the other, in a random pattern.
            var half = batches.Count / 2;
            for (var i = 0; i < half; i++)
            {
                await IngestAsync(database.Store, batches[i], cancel);
                if (random.NextDouble() < 0.5)
                {
                    kinds.Add((await (random.NextDouble() < 0.15 ? wholeCohorts : incremental).RefreshAsync(cancel)).Kind);
                    await CompareAsync();
                }
            }

            // Phase 2: loads and refreshes at the same time.
            using var loading = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            var loads = Task.Run(async () =>
            {
                foreach (var batch in batches.Skip(half))
                {
                    await IngestAsync(database.Store, batch, cancel);
                }
            }, cancel);
            var reads = Task.Run(async () =>
            {
                while (!loads.IsCompleted)
                {
                    await ReadAsync();
                }
            }, cancel);
            while (!loads.IsCompleted)
            {
                kinds.Add((await incremental.RefreshAsync(cancel)).Kind);
            }

            await loads;
            await reads;
            await incremental.RefreshAsync(cancel);
            var streamed = await KpiSnapshot.TakeAsync(database.Store, Months, cancel);
            var mirrored = await KpiSnapshot.TakeAsync(database.Store, Months, cancel, mirror: mirror);

            await incremental.RebuildAllAsync(cancel);
            var rebuilt = await KpiSnapshot.TakeAsync(database.Store, Months, cancel);
            var mirroredAfterRebuild = await KpiSnapshot.TakeAsync(database.Store, Months, cancel, mirror: mirror);

            Assert.Contains(RefreshKind.Incremental, kinds);
            Assert.Contains(RefreshKind.Cohorts, kinds);
            Assert.True(rebuilt.Count > 1_000, $"only {rebuilt.Count} values compared");
            var differences = KpiSnapshot.Differences(rebuilt, streamed);
            Assert.True(differences.Count == 0, $"{differences.Count} differences:\n{string.Join('\n', differences.Take(20))}");
            differences = KpiSnapshot.Differences(rebuilt, mirrored);
            Assert.True(differences.Count == 0, $"{differences.Count} differences in the mirror kept through the stream:\n{string.Join('\n', differences.Take(20))}");
            differences = KpiSnapshot.Differences(rebuilt, mirroredAfterRebuild);
            Assert.True(differences.Count == 0, $"{differences.Count} differences in the mirror after the rebuild:\n{string.Join('\n', differences.Take(20))}");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static DossierRefresher Refresher(ClickHouseStore store, int limit) =>
        new(store, NullLogger<DossierRefresher>.Instance, Options.Create(new RefreshOptions { IncrementalLimit = limit }));

    /// <summary>Loads the reference files as they are; shuffles the event rows (and re-sends some) into batches of 1 to
    /// 400 rows, each a file of its own.</summary>
    private static async Task<List<string>> LoadOthersAndSplitEventsAsync(ClickHouseStore store, string directory, Random random, CancellationToken cancel)
    {
        var header = "";
        var rows = new List<string>();
        foreach (var file in Directory.EnumerateFiles(directory, "*.csv").Order(StringComparer.Ordinal))
        {
            if (!Path.GetFileName(file).StartsWith("events-", StringComparison.Ordinal))
            {
                await IngestAsync(store, file, cancel);
                continue;
            }

            var lines = await File.ReadAllLinesAsync(file, cancel);
            header = lines[0];
            rows.AddRange(lines.Skip(1).Where(l => l.Length > 0));
        }

        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(rows));
        rows.AddRange(Enumerable.Range(0, rows.Count / 20).Select(_ => rows[random.Next(rows.Count)]));
        var batches = new List<string>();
        for (var start = 0; start < rows.Count;)
        {
            var size = Math.Min(random.Next(1, 401), rows.Count - start);
            var path = Path.Combine(directory, "batches", $"batch-{batches.Count:D4}.csv");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllLinesAsync(path, [header, .. rows.GetRange(start, size)], cancel);
            batches.Add(path);
            start += size;
        }

        return batches;
    }

    private static async Task IngestAsync(ClickHouseStore store, string path, CancellationToken cancel) =>
        await Ingestors.Inputs(store).IngestFileAsync(path, null, cancel);
}

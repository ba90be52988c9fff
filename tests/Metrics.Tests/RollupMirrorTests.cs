using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using ReformMetrics.Metrics.Periods;
using ReformMetrics.Metrics.Query;
using ReformMetrics.Metrics.Query.Mirror;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Metrics.Tests;

/// <summary>Where the mirror stands down (a sum beyond its Int32 room, more rows than its limit), the answers are the
/// engine's; where it holds the rows, the same.</summary>
public sealed class RollupMirrorTests(TestEngine engine)
{
    private static readonly Period March = Period.Range(new DateOnly(2025, 3, 1), new DateOnly(2025, 3, 31));

    [Theory]
    [InlineData(12L, 1_000_000, true)]
    [InlineData(3_000_000_000L, 1_000_000, false)]
    [InlineData(12L, 1_000, false)]
    public async Task The_mirror_answers_as_the_engine_and_stands_down_beyond_its_room(long received, int rowLimit, bool holds)
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var database = new TestDatabase(engine);
        await database.InitializeAsync();
        await using (var connection = database.Store.CreateConnection())
        {
            // Rows as a refresh leaves them: a cohort's month rows in both pre-aggregates (1,001 sectors, so that a limit of
            // 1,000 rows is exceeded).
            await connection.ExecuteAsync(
                """
                INSERT INTO kpi_monthly (cohort, month, province_2025, province_2008, level, sector_code, channel, received, pending_delta)
                SELECT toDate('2025-03-01'), toDate('2025-03-01'), '01', '01', 'province', concat('S', toString(number)), 'online', if(number = 0, @received, 1), 1
                FROM numbers(1001)
                """, new { received });
            await connection.ExecuteAsync(
                """
                INSERT INTO kpi_daily (cohort, day, province_2025, province_2008, level, agency_code, sector_code, procedure_code, channel, received, pending_delta)
                SELECT toDate('2025-03-01'), toDate('2025-03-02'), '01', '01', 'province', 'A1', concat('S', toString(number)), 'P1', 'online', if(number = 0, @received, 1), 1
                FROM numbers(1001)
                """, new { received });
        }

        using var mirror = new RollupMirror(database.Store, NullLogger<RollupMirror>.Instance) { RowLimit = rowLimit };
        var mirrored = new KpiService(database.Store, NullLogger<KpiService>.Instance) { RollupMirror = mirror };
        var statement = new KpiService(database.Store, NullLogger<KpiService>.Instance) { InProcessFormulas = false };
        foreach (var selection in new[]
                 {
                     new Selection { Period = March, GroupBy = [Dimension.Province] },
                     new Selection { Period = March, GroupBy = [Dimension.Sector] },
                     new Selection { Period = March, GroupBy = [Dimension.Agency] },
                 })
        {
            var expected = await statement.GetAsync(selection, compare: false, cancel);
            var actual = await mirrored.GetAsync(selection, compare: false, cancel);
            Assert.Equal(expected.Groups.Select(g => (g.Keys, g.Values)), actual.Groups.Select(g => (g.Keys, g.Values)));
        }

        var total = (await mirrored.GetAsync(new Selection { Period = March }, compare: false, cancel)).Groups.Single()[Catalogue.MetricCatalogue.ReceivedTotal];
        Assert.Equal(received + 1000, total);
        Assert.Equal(holds, mirror.Rows > 0);
    }

    [Fact]
    public async Task Behind_its_follower_an_answer_not_kept_comes_from_the_rows_held_and_says_how_fresh_they_are()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var database = new TestDatabase(engine);
        await database.InitializeAsync();
        var directory = Directory.CreateTempSubdirectory("reform-mirror-lag-");
        try
        {
            new Synthetic.DossierGenerator().Generate(new Synthetic.GeneratorOptions(3_000, March.Start, new DateOnly(2025, 4, 30), 5, directory.FullName), null, cancel);
            var files = Directory.GetFiles(directory.FullName, "events-*.csv").Order(StringComparer.Ordinal).ToList();
            var refresher = new Store.Refresh.DossierRefresher(database.Store, NullLogger<Store.Refresh.DossierRefresher>.Instance);
            async Task LoadAsync(IEnumerable<string> part)
            {
                foreach (var file in part)
                {
                    await Ingestors.Inputs(database.Store).IngestFileAsync(file, null, cancel);
                }

                await refresher.RefreshAsync(cancel);
            }

            await LoadAsync(files.Take(files.Count / 2));
            using var mirror = new RollupMirror(database.Store, NullLogger<RollupMirror>.Instance) { FollowedInBackground = true };
            var service = new KpiService(database.Store, NullLogger<KpiService>.Instance) { RollupMirror = mirror };
            var selection = new Selection { Period = Period.Range(March.Start, new DateOnly(2025, 4, 30)), GroupBy = [Dimension.Province] };
            await mirror.UpdateAsync(cancel);
            var before = await service.GetAsync(selection, compare: false, cancel);

            await LoadAsync(files.Skip(files.Count / 2));
            var version = await DataVersion.ReadAsync(database.Store, cancel);
            var lagging = await service.GetAsync(selection, compare: false, cancel);
            await mirror.UpdateAsync(cancel);
            var caught = await service.GetAsync(selection, compare: false, cancel);
            var engineNow = await new KpiService(database.Store, NullLogger<KpiService>.Instance) { InProcessFormulas = false }.GetAsync(selection, compare: false, cancel);

            // Behind: the rows held, with their own freshness (older than the version the question read).
            Assert.True(version.AsOf > before.DataAsOf, $"the second load did not move the watermark ({before.DataAsOf} → {version.AsOf})");
            Assert.Equal(before.DataAsOf, lagging.DataAsOf);
            Assert.Equal(before.Groups.Select(g => (g.Keys, g.Values)), lagging.Groups.Select(g => (g.Keys, g.Values)));
            // Followed: the store's figures, as fresh as the version.
            Assert.Equal(version.AsOf, caught.DataAsOf);
            Assert.Equal(engineNow.Groups.Select(g => (g.Keys, g.Values)), caught.Groups.Select(g => (g.Keys, g.Values)));
            Assert.NotEqual(before.Groups.Sum(g => g[Catalogue.MetricCatalogue.ReceivedTotal]), caught.Groups.Sum(g => g[Catalogue.MetricCatalogue.ReceivedTotal]));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}

using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using ReformMetrics.Metrics.Catalogue;
using ReformMetrics.Metrics.Periods;
using ReformMetrics.Metrics.Query;
using ReformMetrics.Metrics.Query.Mirror;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Metrics.Tests;

/// <summary>The feedback measures' in-process form (<see cref="ItemMeasure.Counts"/>, over the rollup mirror's items) equals
/// the engine's SQL form on thousands of random items and on the calendar's edges: buckets that end before a holiday or a
/// weekend, on the calendar's last day (where the SQL's working-day function is NULL), items resolved on a bucket's last
/// day, pending items, both geographies, every grouping and filter the feedback family allows; and the mirror follows a
/// new feedback file.</summary>
public sealed class MirrorFeedbackTests(TestEngine engine)
{
    private static readonly string[] OldCodes = ["01", "72", "80", "79", "48", "02"];
    private static readonly string[] NewCodes = ["01", "80", "79", "48", "08"];
    private static readonly string[] Sectors = ["HOTICH", "DATDAI", "CHUNGTHUC"];

    public static TheoryData<string> Questions() =>
        ["national by month", "by province and sector", "by sector and province, old geography", "one province with comparisons", "2008 province filter by sector",
         "before a holiday, by province", "short ranges", "the calendar's last month", "the first days of the calendar"];

    [Theory]
    [MemberData(nameof(Questions))]
    public async Task The_feedback_measures_from_the_mirror_equal_the_engine(string question)
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var database = new TestDatabase(engine);
        await database.InitializeAsync();
        await LoadAsync(database, Items(seed: 7, count: 3_000), cancel);
        using var mirror = new RollupMirror(database.Store, NullLogger<RollupMirror>.Instance);

        var compared = 0;
        foreach (var (selection, compare) in Selections(question))
        {
            compared += (await CompareAsync(database, mirror, selection, compare, cancel)).Filled;
        }

        Assert.True(compared > 20, $"{question}: only {compared} non-zero feedback values compared");
    }

    [Fact]
    public async Task The_mirror_reads_the_items_again_when_a_feedback_file_is_loaded()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var database = new TestDatabase(engine);
        await database.InitializeAsync();
        await LoadAsync(database, Items(seed: 1, count: 500), cancel);
        using var mirror = new RollupMirror(database.Store, NullLogger<RollupMirror>.Instance);
        var selection = new Selection { Period = Period.Year(2024), GroupBy = [Dimension.Province], Geo = 2008 };
        var (_, before) = await CompareAsync(database, mirror, selection, compare: true, cancel);

        // New items, and a pending item of the first file now resolved (the same id, loaded again).
        var more = Items(seed: 2, count: 500).Replace("PA-", "PB-", StringComparison.Ordinal);
        var first = Items(seed: 1, count: 500).Split('\n')[1].Split(',');
        more += $"{first[0]},{first[1]},{first[2]},{first[3]},{first[3]}\n";
        await LoadAsync(database, more, cancel);
        var (_, after) = await CompareAsync(database, mirror, selection, compare: true, cancel);

        Assert.True(after > before, $"{after} items received in 2024 after the second file, {before} before");
    }

    /// <summary>Compares the mirror's and the engine's answers on the feedback metrics; returns how many were not 0 or null,
    /// and the items received in the groups.</summary>
    private static async Task<(int Filled, double Received)> CompareAsync(TestDatabase database, RollupMirror mirror, Selection selection, bool compare, CancellationToken cancel)
    {
        var metrics = MetricCatalogue.All.Where(m => m.Family == MetricFamily.Feedback).ToList();
        var expected = await new KpiService(database.Store, NullLogger<KpiService>.Instance) { InProcessFormulas = false }.GetAsync(selection, compare, cancel, metrics: metrics);
        var actual = await new KpiService(database.Store, NullLogger<KpiService>.Instance) { RollupMirror = mirror }.GetAsync(selection, compare, cancel, metrics: metrics);
        Assert.Equal(expected.Groups.Select(g => (string.Join(',', g.Keys.Select(k => k.Code)), g.Period)), actual.Groups.Select(g => (string.Join(',', g.Keys.Select(k => k.Code)), g.Period)));
        var filled = 0;
        for (var i = 0; i < expected.Groups.Count; i++)
        {
            foreach (var metric in metrics)
            {
                var where = $"{selection.Period.Key} {string.Join(',', expected.Groups[i].Keys.Select(k => k.Code))} {metric.Key}";
                Assert.True(expected.Groups[i][metric] == actual.Groups[i][metric], $"{where}: engine {expected.Groups[i][metric]}, mirror {actual.Groups[i][metric]}");
                Assert.True(expected.Groups[i].Previous?[metric] == actual.Groups[i].Previous?[metric], $"{where} (previous)");
                Assert.True(expected.Groups[i].YearAgo?[metric] == actual.Groups[i].YearAgo?[metric], $"{where} (a year earlier)");
                filled += expected.Groups[i][metric] is not (null or 0) ? 1 : 0;
            }
        }

        return (filled, expected.Groups.Sum(g => g[MetricCatalogue.FeedbackReceived] ?? 0));
    }

    private static IEnumerable<(Selection Selection, bool Compare)> Selections(string question)
    {
        static Period Days(int y1, int m1, int d1, int y2, int m2, int d2) => Period.Range(new DateOnly(y1, m1, d1), new DateOnly(y2, m2, d2));
        switch (question)
        {
            case "national by month":
                yield return (new Selection { Period = Period.Year(2024), Grain = TimeGrain.Month }, false);
                yield return (new Selection { Period = Period.Year(2025), Grain = TimeGrain.Quarter, Geo = 2008 }, false);
                break;
            case "by province and sector":
                yield return (new Selection { Period = Period.Year(2023), GroupBy = [Dimension.Province, Dimension.Sector] }, true);
                yield return (new Selection { Period = Days(2025, 6, 15, 2025, 7, 15), GroupBy = [Dimension.Province, Dimension.Sector] }, true);
                break;
            case "by sector and province, old geography":
                yield return (new Selection { Period = Days(2025, 1, 1, 2026, 6, 30), Geo = 2008, GroupBy = [Dimension.Sector, Dimension.Province] }, false);
                break;
            case "one province with comparisons":
                yield return (new Selection { Period = Period.Month(2025, 9), Provinces = ["80"] }, true);
                yield return (new Selection { Period = Period.Year(2026), Provinces = ["80", "79"], Sectors = ["DATDAI"], GroupBy = [Dimension.Province], Grain = TimeGrain.Month }, false);
                break;
            case "2008 province filter by sector":
                yield return (new Selection { Period = Period.Year(2025), Geo = 2008, Provinces = ["72", "N80"], GroupBy = [Dimension.Sector], Grain = TimeGrain.Month }, false);
                break;
            case "before a holiday, by province":
                // Buckets ending on the eve of Tết and of 30 April (be + 1 a holiday), on a Friday and on a Sunday.
                foreach (var end in new[] { new DateOnly(2024, 2, 7), new DateOnly(2025, 1, 24), new DateOnly(2025, 4, 29), new DateOnly(2024, 4, 26), new DateOnly(2024, 4, 28), new DateOnly(2023, 9, 1) })
                {
                    yield return (new Selection { Period = Period.Range(end.AddDays(-40), end), GroupBy = [Dimension.Province] }, true);
                }

                break;
            case "short ranges":
                var random = new Random(3);
                for (var i = 0; i < 12; i++)
                {
                    var start = new DateOnly(2016, 1, 1).AddDays(random.Next(3_900));
                    yield return (new Selection { Period = Period.Range(start, start.AddDays(random.Next(1, 60))), GroupBy = i % 2 == 0 ? [Dimension.Sector] : [] }, true);
                }

                break;
            case "the calendar's last month":
                // Items pending at the end of 2030: be + 1 is outside the calendar (NULL in SQL, null here). No valid item
                // (received by tomorrow) is within 15 working days of it either way: this checks the edge does not throw.
                yield return (new Selection { Period = Days(2016, 1, 1, 2030, 12, 31), GroupBy = [Dimension.Province, Dimension.Sector] }, false);
                yield return (new Selection { Period = Days(2026, 11, 1, 2030, 12, 31), Grain = TimeGrain.Month }, false);
                break;
            default:
                yield return (new Selection { Period = Days(2015, 1, 1, 2015, 3, 31), Grain = TimeGrain.Month, GroupBy = [Dimension.Province] }, false);
                break;
        }
    }

    /// <summary>Random items from 2015 to November 2026 (the province codes in force on the day received), a third pending,
    /// the others resolved the same day up to 40 days later; and items on the edges of the calendar's first days.</summary>
    private static string Items(int seed, int count)
    {
        var random = new Random(seed);
        var csv = new StringBuilder("feedback_id,province_code,sector_code,received_at,resolved_at\n");
        var edges = new (DateTime Received, DateTime? Resolved)[]
        {
            (new DateTime(2015, 1, 1, 8, 0, 0), null), (new DateTime(2015, 1, 5, 8, 0, 0), new DateTime(2015, 1, 27, 8, 0, 0)),
            (new DateTime(2015, 2, 2, 8, 0, 0), new DateTime(2015, 2, 24, 23, 59, 0)), (new DateTime(2015, 3, 10, 8, 0, 0), null),
            (new DateTime(2025, 1, 2, 8, 0, 0), new DateTime(2025, 1, 24, 16, 0, 0)), (new DateTime(2024, 1, 15, 8, 0, 0), new DateTime(2024, 2, 7, 16, 0, 0)),
        };
        for (var i = 0; i < count + edges.Length; i++)
        {
            var (received, resolved) = i < edges.Length ? edges[i] : Random(random);
            var codes = received < new DateTime(2025, 6, 30) ? OldCodes : NewCodes;
            csv.Append(CultureInfo.InvariantCulture, $"PA-{i},{codes[random.Next(codes.Length)]},{Sectors[random.Next(Sectors.Length)]},{Time(received)},{(resolved is { } r ? Time(r) : string.Empty)}\n");
        }

        return csv.ToString();

        static (DateTime, DateTime?) Random(Random random)
        {
            var received = new DateTime(2015, 1, 1, 7, 0, 0).AddDays(random.Next(4_330)).AddMinutes(random.Next(12 * 60));
            if (received > new DateTime(2025, 6, 29) && received < new DateTime(2025, 7, 2))
            {
                received = received.AddDays(3);
            }

            DateTime? resolved = random.Next(3) == 0 ? null : received.AddDays(random.Next(41)).AddMinutes(random.Next(60));
            return (received, resolved > new DateTime(2026, 12, 1) ? null : resolved);
        }

        static string Time(DateTime at) => at.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + "+07:00";
    }

    private static async Task LoadAsync(TestDatabase database, string csv, CancellationToken cancel)
    {
        var directory = Directory.CreateTempSubdirectory("reform-feedback-");
        try
        {
            var path = Path.Combine(directory.FullName, "feedback.csv");
            await File.WriteAllTextAsync(path, csv, cancel);
            var result = await Ingestors.Inputs(database.Store).IngestFileAsync(path, null, cancel);
            Assert.Equal(0, result.Rejected);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}

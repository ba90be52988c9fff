using Microsoft.Extensions.Logging.Abstractions;
using ReformMetrics.Dashboard.Access;
using ReformMetrics.Dashboard.Pages;
using ReformMetrics.Dashboard.Users;
using ReformMetrics.Metrics.Catalogue;
using ReformMetrics.Metrics.Index766;
using ReformMetrics.Metrics.Periods;
using ReformMetrics.Metrics.Query;
using ReformMetrics.Metrics.Rankings;
using ReformMetrics.Metrics.Targets;
using ReformMetrics.Synthetic;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Dashboard.Tests;

/// <summary>
/// The pages ask for the figures they show only, several questions at once (issue 20): on generated data (four months
/// around the merger, with noise), every figure of the overview and of a province page equals the same figure of the
/// answers computed as before, every metric of the catalogue for each question, both from the pre-aggregates (the path
/// the pages used) and from the dossier state (the path that reads no pre-aggregate): cards with both comparisons, every
/// province, the ranking and its movement, the monthly trend, the level, sector, channel and agency breakdowns, the 766
/// index.
/// </summary>
public sealed class PageQuestionsTests(PageQuestionsTests.Loaded loaded) : IClassFixture<PageQuestionsTests.Loaded>
{
    public sealed class Loaded(TestEngine engine) : IAsyncLifetime
    {
        private readonly string _directory = Directory.CreateTempSubdirectory("reform-page-questions-").FullName;

        public TestDatabase Database { get; } = new(engine);

        public async ValueTask InitializeAsync()
        {
            await Database.InitializeAsync();
            var cancel = TestContext.Current.CancellationToken;
            new DossierGenerator().Generate(new GeneratorOptions(12_000, new DateOnly(2025, 5, 1), new DateOnly(2025, 8, 31), 11, _directory, Noise: 0.02), null, cancel);
            await Ingestors.LoadFolderAsync(Database.Store, _directory, cancel);
        }

        public async ValueTask DisposeAsync()
        {
            await Database.DisposeAsync();
            Directory.Delete(_directory, recursive: true);
        }
    }

    public static TheoryData<string, int, KpiSource> Cases() => new()
    {
        { "2025-07", 2025, KpiSource.Auto }, { "2025-07", 2025, KpiSource.DossierState },
        { "2025-Q3", 2008, KpiSource.Auto }, { "2025-Q3", 2008, KpiSource.DossierState },
        { "2025-06-01..2025-08-20", 2025, KpiSource.DossierState },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Every_figure_of_the_overview_equals_the_answers_with_every_metric(string period, int geo, KpiSource reference)
    {
        var (data, kpi) = Services();
        var selection = Parse(period, geo);

        var model = await data.OverviewAsync(selection, new PageFilters(period, geo), MetricCatalogue.OnlineShare.Key, Cancel);

        var totals = (await kpi.GetAsync(selection with { Source = reference }, compare: true, Cancel)).Groups.Single();
        foreach (var card in model.Cards)
        {
            Same(totals[card.Metric], card.Value, $"card {card.Metric.Key}");
            Same(totals.Previous![card.Metric], card.Previous, $"card {card.Metric.Key}, previous");
        }

        var provinces = await kpi.GetAsync(selection with { GroupBy = [Dimension.Province], Source = reference }, compare: true, Cancel);
        Assert.True(provinces.Groups.Count > 5, $"only {provinces.Groups.Count} provinces");
        Assert.Equal(provinces.Groups.Select(g => g.Code(Dimension.Province)).Order(StringComparer.Ordinal), model.Provinces.Keys.Order(StringComparer.Ordinal));
        foreach (var expected in provinces.Groups)
        {
            var actual = model.Provinces[expected.Code(Dimension.Province)];
            SameGroup(expected, actual, [MetricCatalogue.OnlineShare, .. OverviewModel.Columns], $"province {expected.Code(Dimension.Province)}");
        }

        SameRanking(RankingService.FromAnswer(selection, MetricCatalogue.OnlineShare, Dimension.Province, provinces), model.Ranking);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Every_figure_of_a_province_page_equals_the_answers_with_every_metric(string period, int geo, KpiSource reference)
    {
        var (data, kpi) = Services();
        var selection = Parse(period, geo);
        var code = geo == 2025 ? "01" : "79";

        var model = await data.ProvinceAsync(new AccessScope("test", Role.National, null), selection, new PageFilters(period, geo), code, Cancel);

        var own = selection with { Provinces = [code], Source = reference };
        var totals = (await kpi.GetAsync(own, compare: true, Cancel)).Groups.Single();
        foreach (var card in model.Cards)
        {
            Same(totals[card.Metric], card.Value, $"card {card.Metric.Key}");
            Same(totals.Previous![card.Metric], card.Previous, $"card {card.Metric.Key}, previous");
        }

        var index = Index766Service.FromAnswer(own, await kpi.GetAsync(own, compare: false, Cancel)).Units.Single();
        Assert.NotNull(model.Index766);
        Assert.Equal(index.Indicators.Select(i => (i.Indicator.Id, i.Rate, i.Points)), model.Index766.Indicators.Select(i => (i.Indicator.Id, i.Rate, i.Points)));
        Same(index.Points, model.Index766.Points, "766 points");

        var trend = Period.Range(new DateOnly(own.Period.End.Year, own.Period.End.Month, 1).AddMonths(-11), own.Period.Nominal.End);
        var months = await kpi.GetAsync(own with { Period = trend, Grain = TimeGrain.Month }, compare: false, Cancel);
        SameGroups(months.Groups.OrderBy(g => g.Period.Start).ToList(), model.Months, ProvinceModel.TrendMetrics, "month");

        IReadOnlyList<MetricDefinition> breakdown = [.. MetricPresets.Breakdown.Metrics, MetricCatalogue.ReceivedTotal];
        foreach (var (by, shown) in new[] { (Dimension.Level, model.Levels), (Dimension.Sector, model.Sectors), (Dimension.Channel, model.Channels), (Dimension.Agency, model.Agencies) })
        {
            var expected = (await kpi.GetAsync(own with { GroupBy = [by] }, compare: false, Cancel)).Groups;
            var ordered = by switch
            {
                Dimension.Sector => expected.OrderByDescending(g => g[MetricCatalogue.ReceivedTotal] ?? 0).ToList(),
                Dimension.Agency => expected.OrderByDescending(g => g[MetricCatalogue.ReceivedTotal] ?? 0).Take(ProvinceModel.TopAgencies).ToList(),
                _ => expected.ToList(),
            };
            Assert.True(ordered.Count > 1, $"{by}: only {ordered.Count} groups");
            // The page asks the figures of the agencies it lists only: the cut must be exercised (ties included).
            Assert.True(by != Dimension.Agency || expected.Count > ProvinceModel.TopAgencies, $"only {expected.Count} agencies");
            SameGroups(ordered, shown, breakdown, by.ToString());
        }

        var ranking = RankingService.FromAnswer(selection with { Provinces = [] }, MetricCatalogue.OnTimeRate, Dimension.Province,
            await kpi.GetAsync(RankingService.Question(selection with { Provinces = [], Source = reference }, Dimension.Province), compare: true, Cancel));
        Assert.Equal(ranking.Units.FirstOrDefault(u => u.Code == code), model.Rank);
        Assert.Equal(ranking.Units.Count(u => u.Rank is not null), model.Ranked);
        // The name as the page read it before: the province's group of its own figures.
        Assert.Equal((await kpi.GetAsync(own with { GroupBy = [Dimension.Province] }, compare: false, Cancel)).Groups.Single().Name(Dimension.Province), model.Name);
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static Selection Parse(string period, int geo) =>
        SelectionParser.Parse(new SelectionParser.Input(Period: period, Geo: geo.ToString(System.Globalization.CultureInfo.InvariantCulture)), new DateOnly(2025, 12, 1));

    /// <summary>The pages' services without the answer cache (every answer computed), and the reference answers'.</summary>
    private (PageData Data, KpiService Kpi) Services()
    {
        var store = loaded.Database.Store;
        var kpi = new KpiService(store, NullLogger<KpiService>.Instance);
        return (new PageData(kpi, new RankingService(kpi), new TargetService(store), new ProvinceMap(store), TimeProvider.System), kpi);
    }

    private static void SameGroups(List<KpiGroup> expected, IReadOnlyList<KpiGroup> actual, IReadOnlyList<MetricDefinition> metrics, string what)
    {
        Assert.Equal(expected.Select(g => (Keys: string.Join(',', g.Keys.Select(k => k.Code)), g.Period)), actual.Select(g => (Keys: string.Join(',', g.Keys.Select(k => k.Code)), g.Period)));
        for (var i = 0; i < expected.Count; i++)
        {
            SameGroup(expected[i], actual[i], metrics, $"{what} {string.Join(',', expected[i].Keys.Select(k => k.Code))} {expected[i].Period.Key}");
        }
    }

    private static void SameGroup(KpiGroup expected, KpiGroup actual, IReadOnlyList<MetricDefinition> metrics, string what)
    {
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (var metric in metrics)
        {
            Same(expected[metric], actual[metric], $"{what} {metric.Key}");
            if (expected.Previous is not null && actual.Previous is not null)
            {
                Same(expected.Previous[metric], actual.Previous[metric], $"{what} {metric.Key}, previous");
                Same(expected.YearAgo![metric], actual.YearAgo![metric], $"{what} {metric.Key}, year ago");
            }
        }
    }

    private static void SameRanking(RankingResult expected, RankingResult actual)
    {
        Assert.Equal(expected.Metric, actual.Metric);
        Assert.Equal(expected.Units.Count, actual.Units.Count);
        for (var i = 0; i < expected.Units.Count; i++)
        {
            var (e, a) = (expected.Units[i], actual.Units[i]);
            Assert.Equal((e.Code, e.Name, e.Rank, e.PreviousRank), (a.Code, a.Name, a.Rank, a.PreviousRank));
            Same(e.Value, a.Value, $"ranking {e.Code}");
            Same(e.PreviousValue, a.PreviousValue, $"ranking {e.Code}, previous");
        }
    }

    private static void Same(double? expected, double? actual, string what) =>
        Assert.True(expected is null ? actual is null : actual is not null && Math.Abs(expected.Value - actual.Value) < 1e-9, $"{what}: expected {expected}, page {actual}");
}

using Microsoft.Extensions.Logging.Abstractions;
using ReformMetrics.Metrics.Catalogue;
using ReformMetrics.Metrics.Periods;
using ReformMetrics.Metrics.Query;
using ReformMetrics.Synthetic;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Metrics.Tests;

/// <summary>On generated data (four months around the merger, with noise): every path gives the same answer for
/// every group and metric, and the invariants of domain/metrics.md hold.</summary>
public sealed class GeneratedDataTests(GeneratedDataTests.Loaded loaded) : IClassFixture<GeneratedDataTests.Loaded>
{
    private static readonly Period Months = Period.Range(new DateOnly(2025, 5, 1), new DateOnly(2025, 8, 31));

    public sealed class Loaded(TestEngine engine) : IAsyncLifetime
    {
        private readonly string _directory = Directory.CreateTempSubdirectory("reform-metrics-generated-").FullName;

        public TestDatabase Database { get; } = new(engine);

        public async ValueTask InitializeAsync()
        {
            await Database.InitializeAsync();
            var cancel = TestContext.Current.CancellationToken;
            new DossierGenerator().Generate(new GeneratorOptions(12_000, Months.Start, Months.End, 9, _directory, Noise: 0.02), null, cancel);
            await Ingestors.LoadFolderAsync(Database.Store, _directory, cancel);
        }

        public async ValueTask DisposeAsync()
        {
            await Database.DisposeAsync();
            Directory.Delete(_directory, recursive: true);
        }
    }

    public static TheoryData<int, KpiSource> PathCases() => new()
    {
        { 2025, KpiSource.Daily }, { 2025, KpiSource.DossierState }, { 2025, KpiSource.LiveEvents },
        { 2008, KpiSource.Daily }, { 2008, KpiSource.DossierState },
    };

    [Theory]
    [MemberData(nameof(PathCases))]
    public async Task The_pre_aggregates_and_the_dossier_state_give_identical_answers(int geo, KpiSource source)
    {
        var selection = new Selection { Period = Months, Geo = geo, GroupBy = [Dimension.Province, Dimension.Sector], Grain = TimeGrain.Month };

        var monthly = await GetAsync(selection with { Source = KpiSource.Monthly });
        var other = await GetAsync(selection with { Source = source });

        Assert.True(monthly.Count > 200, $"only {monthly.Count} groups");
        Assert.Equal(monthly.Count, other.Count);
        for (var i = 0; i < monthly.Count; i++)
        {
            Assert.Equal(monthly[i].Keys, other[i].Keys);
            Assert.Equal(monthly[i].Period, other[i].Period);
            foreach (var metric in MetricCatalogue.All.Where(m => m.Family == MetricFamily.Dossiers))
            {
                var (a, b) = (monthly[i][metric], other[i][metric]);
                Assert.True(a is null ? b is null : b is not null && Math.Abs(a.Value - b.Value) < 1e-9,
                    $"{string.Join(",", monthly[i].Keys.Select(k => k.Code))} {monthly[i].Period.Key} {metric.Key}: monthly {a}, {source} {b}");
            }
        }
    }

    [Fact]
    public async Task A_range_cut_inside_months_by_agency_agrees_between_the_daily_aggregate_and_the_dossier_state()
    {
        var selection = new Selection
        {
            Period = Period.Range(new DateOnly(2025, 5, 10), new DateOnly(2025, 7, 20)), Provinces = ["01", "79"], GroupBy = [Dimension.Agency],
        };

        var daily = await GetAsync(selection);
        var state = await GetAsync(selection with { Source = KpiSource.DossierState });

        Assert.NotEmpty(daily);
        Assert.Equal(daily.Select(g => g.Values), state.Select(g => g.Values));
    }

    [Theory]
    [InlineData(2025)]
    [InlineData(2008)]
    public async Task The_invariants_of_the_catalogue_hold_in_every_group_and_month(int geo)
    {
        var groups = await GetAsync(new Selection { Period = Months, Geo = geo, GroupBy = [Dimension.Province, Dimension.Sector], Grain = TimeGrain.Month });

        foreach (var g in groups)
        {
            Assert.Equal(g[MetricCatalogue.ResolvedTotal], g[MetricCatalogue.ResolvedEarly] + g[MetricCatalogue.ResolvedOnTime] + g[MetricCatalogue.ResolvedOverdue]);
            Assert.Equal(g[MetricCatalogue.ReceivedTotal], g[MetricCatalogue.ResolvedTotal] + g[MetricCatalogue.Withdrawn] + g[MetricCatalogue.InProgress]);
            Assert.Equal(g[MetricCatalogue.ReceivedNew], g[MetricCatalogue.ReceivedOnline] + g[MetricCatalogue.ReceivedDirect] + g[MetricCatalogue.ReceivedPostal]);
            Assert.True(g[MetricCatalogue.InProgressOverdue] <= g[MetricCatalogue.InProgress] && g[MetricCatalogue.InProgressOverdue] >= 0);
            Assert.True(g[MetricCatalogue.ApologizedOverdue] <= g[MetricCatalogue.ResolvedOverdue] + g[MetricCatalogue.InProgressOverdue]);
        }

        foreach (var chain in groups.GroupBy(g => string.Join('|', g.Keys.Select(k => k.Code))))
        {
            var months = chain.OrderBy(g => g.Period.Start).ToList();
            for (var i = 1; i < months.Count; i++)
            {
                Assert.Equal(months[i - 1][MetricCatalogue.InProgress], months[i][MetricCatalogue.CarriedOver]);
            }
        }
    }

    private async Task<IReadOnlyList<KpiGroup>> GetAsync(Selection selection) =>
        (await new KpiService(loaded.Database.Store, NullLogger<KpiService>.Instance).GetAsync(selection, compare: false, TestContext.Current.CancellationToken)).Groups;
}

using System.Globalization;
using Dapper;
using ReformMetrics.Metrics.Catalogue;
using ReformMetrics.Metrics.Periods;
using ReformMetrics.Metrics.Query;

namespace ReformMetrics.Metrics.Tests;

/// <summary>
/// The analysts' views against `reform kpi` (KpiService) on the same generated data: an analyst's figure is the
/// dashboard's, for every metric a view shows, both geographies and every grouping of the view.
/// </summary>
/// <remarks>
/// A view's row is one group (province, level, [agency,] sector, channel) on one day or in one month, so it is compared
/// with the group of the same keys in `reform kpi --by province,level,[agency,]sector,channel` for that day or month:
/// every grouping of the view at once, rates included. The months are May to August 2025, the whole fixture, across the
/// merger of 1 July (June in the 63-province codes, July in the 34); the days are the last before the merger, the first
/// after it and one in mid-August. Stocks in the views are running sums over a group's rows, and a group has a row only
/// when something happened to it: a group the view lacks for a day or month must have no flow in it and an unchanged
/// stock. Summed over the view's rows, the flows also equal `reform kpi` by each single dimension.
/// </remarks>
public sealed partial class GeneratedDataTests
{
    private static readonly Dimension[] MonthGroup = [Dimension.Province, Dimension.Level, Dimension.Sector, Dimension.Channel];
    private static readonly Dimension[] DayGroup = [Dimension.Province, Dimension.Level, Dimension.Agency, Dimension.Sector, Dimension.Channel];

    public static TheoryData<int> Geographies() => [2025, 2008];

    public static TheoryData<int, string> Days() => new()
    {
        { 2025, "2025-06-30" }, { 2025, "2025-07-01" }, { 2025, "2025-08-15" },
        { 2008, "2025-06-30" }, { 2008, "2025-07-01" }, { 2008, "2025-08-15" },
    };

    [Theory]
    [MemberData(nameof(Geographies))]
    public async Task Every_row_of_v_kpi_month_equals_reform_kpi_for_its_group_and_month(int geo)
    {
        var kpi = await GetAsync(new Selection { Period = Months, Geo = geo, GroupBy = MonthGroup, Grain = TimeGrain.Month });

        var compared = await CompareAsync("v_kpi_month", "month", MonthGroup, geo, Months, kpi);

        Assert.True(compared > 1000, $"only {compared} rows of v_kpi_month");
    }

    [Theory]
    [MemberData(nameof(Days))]
    public async Task Every_row_of_v_kpi_day_equals_reform_kpi_for_its_group_on_that_day(int geo, string day)
    {
        var period = Period.Range(DateOnly.Parse(day, CultureInfo.InvariantCulture), DateOnly.Parse(day, CultureInfo.InvariantCulture));
        var kpi = await GetAsync(new Selection { Period = period, Geo = geo, GroupBy = DayGroup });

        var compared = await CompareAsync("v_kpi_day", "day", DayGroup, geo, period, kpi);

        Assert.True(compared > 20, $"only {compared} rows of v_kpi_day on {day}");
    }

    [Fact]
    public async Task The_views_show_every_dossier_metric_of_the_catalogue()
    {
        foreach (var view in new[] { "v_kpi_day", "v_kpi_month" })
        {
            Assert.Equal(MetricCatalogue.All.Where(m => m.Family == MetricFamily.Dossiers), await ViewMetricsAsync(view));
        }
    }

    [Theory]
    [InlineData(2025, Dimension.Province)]
    [InlineData(2025, Dimension.Sector)]
    [InlineData(2025, Dimension.Level)]
    [InlineData(2025, Dimension.Channel)]
    [InlineData(2008, Dimension.Province)]
    [InlineData(2008, Dimension.Sector)]
    public async Task Summed_over_the_other_groups_the_flows_of_v_kpi_month_equal_reform_kpi_by_one_dimension(int geo, Dimension dimension)
    {
        // Flows add up over rows; rates and stocks do not (a stock is the group's running sum, see the remarks above).
        var flows = MetricCatalogue.All
            .Where(m => m.Family == MetricFamily.Dossiers && m.Unit == MetricUnit.Count
                        && BaseMeasures.Needed([m]).All(b => b is DossierMeasure { Timing: Timing.InPeriod }))
            .ToList();
        var kpi = await GetAsync(new Selection { Period = Months, Geo = geo, GroupBy = [dimension], Grain = TimeGrain.Month });
        var column = ViewColumn(dimension);
        await using var connection = loaded.Database.Store.CreateConnection();
        var rows = (await connection.QueryAsync(
            $"""
            SELECT toString(month) AS t, {column} AS k, {string.Join(", ", flows.Select(f => $"toFloat64(sum({f.Key})) AS {f.Key}"))}
            FROM v_kpi_month WHERE geo = @geo AND month BETWEEN @from AND @to GROUP BY t, k
            """,
            new { geo, from = Day(Months.Start), to = Day(Months.End) })).Cast<IDictionary<string, object?>>().ToList();
        var byGroup = kpi.ToDictionary(g => (Day(g.Period.Start), g.Code(dimension)));

        Assert.NotEmpty(flows);
        Assert.True(rows.Count > 10);
        foreach (var row in rows)
        {
            var group = byGroup[((string)row["t"]!, (string)row["k"]!)];
            Assert.All(flows, f => Assert.True(group[f] == (double)row[f.Key]!, $"{row["t"]} {row["k"]} {f.Key}: view {row[f.Key]}, kpi {group[f]}"));
        }
    }

    /// <summary>Compares every row of a view in the period with the KPI group of the same keys and bucket, and checks that
    /// the KPI groups the view lacks had nothing happen to them; returns the number of rows compared.</summary>
    private async Task<int> CompareAsync(string view, string time, Dimension[] dimensions, int geo, Period period, IReadOnlyList<KpiGroup> kpi)
    {
        var metrics = await ViewMetricsAsync(view);
        Assert.Contains(MetricCatalogue.LateRate766, metrics);
        await using var connection = loaded.Database.Store.CreateConnection();
        var rows = (await connection.QueryAsync(
            $"""
            SELECT toString({time}) AS t, {string.Join(", ", dimensions.Select(d => $"{ViewColumn(d)} AS {Selection.KeyName(d)}"))},
                   {string.Join(", ", metrics.Select(m => $"toNullable(toFloat64({m.Key})) AS {m.Key}"))}
            FROM {view} WHERE geo = @geo AND {time} BETWEEN @from AND @to
            """,
            new { geo, from = Day(period.Start), to = Day(period.End) })).Cast<IDictionary<string, object?>>().ToList();
        var byKey = kpi.ToDictionary(g => Key(Day(g.Period.Start), dimensions.Select(g.Code)));
        var seen = new HashSet<string>(StringComparer.Ordinal);

        foreach (var row in rows)
        {
            var key = Key((string)row["t"]!, dimensions.Select(d => (string)row[Selection.KeyName(d)]!));
            Assert.True(byKey.TryGetValue(key, out var group), $"{view} has {key}, reform kpi has no such group");
            seen.Add(key);
            foreach (var metric in metrics)
            {
                var (shown, computed) = (row[metric.Key] is double v ? v : (double?)null, group[metric]);
                Assert.True(shown == computed, $"{view} {key} {metric.Key}: view {shown}, reform kpi {computed}");
            }
        }

        // Nothing happened to the groups the view has no row for: no flow, and the stocks where the previous bucket left them.
        var previous = new Dictionary<string, KpiGroup>(StringComparer.Ordinal);
        foreach (var group in kpi.OrderBy(g => g.Period.Start))
        {
            var keys = Key(string.Empty, dimensions.Select(group.Code));
            var key = Key(Day(group.Period.Start), dimensions.Select(group.Code));
            if (!seen.Contains(key))
            {
                Assert.True(group[MetricCatalogue.ReceivedNew] == 0 && group[MetricCatalogue.ResolvedTotal] == 0 && group[MetricCatalogue.Withdrawn] == 0,
                    $"{view} lacks {key}, which has flows");
                Assert.Equal(group[MetricCatalogue.CarriedOver], group[MetricCatalogue.InProgress]);
                if (previous.TryGetValue(keys, out var before))
                {
                    Assert.Equal(before[MetricCatalogue.InProgressOverdue], group[MetricCatalogue.InProgressOverdue]);
                }
            }

            previous[keys] = group;
        }

        return rows.Count;
    }

    /// <summary>The catalogue's metrics that are columns of a view, in catalogue order.</summary>
    private async Task<List<MetricDefinition>> ViewMetricsAsync(string view)
    {
        await using var connection = loaded.Database.Store.CreateConnection();
        var columns = (await connection.QueryAsync<string>(
            "SELECT name FROM system.columns WHERE database = currentDatabase() AND table = @view", new { view })).ToHashSet(StringComparer.Ordinal);
        return MetricCatalogue.All.Where(m => columns.Contains(m.Key)).ToList();
    }

    private static string ViewColumn(Dimension dimension) => dimension switch
    {
        Dimension.Province => "province_code",
        Dimension.Level => "level",
        Dimension.Agency => "agency_code",
        Dimension.Sector => "sector_code",
        _ => "channel",
    };

    private static string Key(string bucket, IEnumerable<string> keys) => bucket + "|" + string.Join("|", keys);

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

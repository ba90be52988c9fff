using ReformMetrics.Dashboard.Access;
using ReformMetrics.Metrics.Catalogue;
using ReformMetrics.Metrics.Periods;
using ReformMetrics.Metrics.Query;
using ReformMetrics.Metrics.Rankings;
using ReformMetrics.Metrics.Targets;

namespace ReformMetrics.Dashboard.Pages;

/// <summary>A headline figure: its value, the previous period's, and the target that applies.</summary>
public sealed record Card(MetricDefinition Metric, double? Value, double? Previous, TargetCheck? Target)
{
    public Change Change => Change.Between(Value, Previous);

    /// <summary>True when the change is for the better, false for the worse, null when flat or unknown.</summary>
    public bool? Better => Change.Difference is { } d && Math.Abs(d) > 1e-12 && Metric.Better != Metrics.Catalogue.Better.Neutral
        ? (d > 0) == (Metric.Better == Metrics.Catalogue.Better.Higher) : null;
}

/// <summary>The filters of a page, from its URL (so that a view can be shared as a link).</summary>
public sealed record PageFilters(string Period, int Geo)
{
    public string Query(string? province = null) =>
        $"?period={Uri.EscapeDataString(Period)}&geo={Geo}{(province is null ? string.Empty : "&province=" + Uri.EscapeDataString(province))}";
}

public sealed record OverviewModel(
    PageFilters Filters, Period Period, IReadOnlyList<Card> Cards, RankingResult Ranking, IReadOnlyDictionary<string, KpiGroup> Provinces)
{
    /// <summary>The metrics the map and the ranking can show.</summary>
    public static readonly IReadOnlyList<MetricDefinition> Choices =
        MetricCatalogue.All.Where(m => m.Family == MetricFamily.Dossiers && m.Unit == MetricUnit.Rate).ToList();

    public string MapSvg => TileMap.Svg(
        Ranking.Units.Select(u => (u.Code, u.Name ?? u.Code, u.Value)).ToList(), Ranking.Metric, code => $"/tinh/{code}{Filters.Query()}");
}

public sealed record ProvinceModel(
    PageFilters Filters, Period Period, string Code, string Name, IReadOnlyList<Card> Cards, IReadOnlyList<KpiGroup> Months,
    IReadOnlyList<KpiGroup> Levels, IReadOnlyList<KpiGroup> Sectors, IReadOnlyList<KpiGroup> Channels, RankedUnit? Rank, int Ranked);

/// <summary>Gathers what the pages show from the metrics layer (cached answers, the same as the API), within what the user may see.</summary>
public sealed class PageData(KpiService kpi, RankingService rankings, TargetService targets, ProvinceMap map, TimeProvider clock)
{
    public static readonly string[] CardMetrics =
        ["received_total", "resolved_total", "on_time_rate", "in_progress_overdue", "online_share", "postal_share", "satisfaction_index"];

    /// <summary>The filters of the URL, validated (a bad value is a 400 naming it); the default period is the last full month.</summary>
    public Selection Parse(string? period, string? geo, out PageFilters filters)
    {
        var today = SelectionParser.TodayInVietnam(clock);
        var lastMonth = today.AddDays(1 - today.Day).AddMonths(-1);
        var text = string.IsNullOrWhiteSpace(period) ? lastMonth.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture) : period.Trim();
        var selection = SelectionParser.Parse(new SelectionParser.Input(Period: text, Geo: geo), today);
        filters = new PageFilters(text, selection.Geo);
        return selection;
    }

    public async Task<OverviewModel> OverviewAsync(Selection selection, PageFilters filters, string? metric, CancellationToken cancellationToken)
    {
        var key = string.IsNullOrEmpty(metric) ? "on_time_rate" : metric;
        if (!OverviewModel.Choices.Any(m => m.Key == key))
        {
            throw new SelectionException($"chi-so: \"{key}\" không phải một tỷ lệ hiển thị được trên bản đồ; dùng {string.Join(", ", OverviewModel.Choices.Select(m => m.Key))}.");
        }

        var totals = (await kpi.GetAsync(selection, compare: true, cancellationToken).ConfigureAwait(false)).Groups.Single();
        var ranking = await rankings.RankAsync(selection, key, Dimension.Province, cancellationToken).ConfigureAwait(false);
        var provinces = await kpi.GetAsync(selection with { GroupBy = [Dimension.Province] }, compare: false, cancellationToken).ConfigureAwait(false);
        return new OverviewModel(filters, selection.Period, await CardsAsync(selection, null, totals, cancellationToken).ConfigureAwait(false), ranking,
            provinces.Groups.ToDictionary(g => g.Keys["province"], StringComparer.Ordinal));
    }

    public async Task<ProvinceModel> ProvinceAsync(AccessScope scope, Selection selection, PageFilters filters, string code, CancellationToken cancellationToken)
    {
        var own = await scope.RestrictAsync(selection with { Provinces = [code] }, map, cancellationToken).ConfigureAwait(false);
        var totals = (await kpi.GetAsync(own, compare: true, cancellationToken).ConfigureAwait(false)).Groups.Single();
        var named = await kpi.GetAsync(own with { GroupBy = [Dimension.Province] }, compare: false, cancellationToken).ConfigureAwait(false);
        var name = named.Groups.Count > 0 && named.Groups[0].Keys.GetValueOrDefault("province_name") is { } n ? n : code;
        var trend = Period.Range(new DateOnly(own.Period.End.Year, own.Period.End.Month, 1).AddMonths(-11), own.Period.Nominal.End);
        var months = await kpi.GetAsync(own with { Period = trend, Grain = TimeGrain.Month }, compare: false, cancellationToken).ConfigureAwait(false);
        var levels = await kpi.GetAsync(own with { GroupBy = [Dimension.Level] }, compare: false, cancellationToken).ConfigureAwait(false);
        var sectors = await kpi.GetAsync(own with { GroupBy = [Dimension.Sector] }, compare: false, cancellationToken).ConfigureAwait(false);
        var channels = await kpi.GetAsync(own with { GroupBy = [Dimension.Channel] }, compare: false, cancellationToken).ConfigureAwait(false);
        var ranking = await rankings.RankAsync(selection with { Provinces = [] }, "on_time_rate", Dimension.Province, cancellationToken).ConfigureAwait(false);
        return new ProvinceModel(filters, own.Period, code, name, await CardsAsync(own, code, totals, cancellationToken).ConfigureAwait(false),
            months.Groups.OrderBy(g => g.Period.Start).ToList(), levels.Groups, sectors.Groups.OrderByDescending(g => g["received_total"] ?? 0).ToList(),
            channels.Groups, ranking.Units.FirstOrDefault(u => u.Code == code), ranking.Units.Count(u => u.Rank is not null));
    }

    private async Task<IReadOnlyList<Card>> CardsAsync(Selection selection, string? province, KpiGroup totals, CancellationToken cancellationToken)
    {
        var book = await targets.LoadAsync(selection.Period.End.Year, cancellationToken).ConfigureAwait(false);
        return CardMetrics.Select(key => new Card(MetricCatalogue.Get(key), totals[key], totals.Previous?[key],
            book.For(key, selection.Geo, province, selection.Sectors, totals[key]))).ToList();
    }
}

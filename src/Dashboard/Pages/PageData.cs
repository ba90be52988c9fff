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

/// <summary>The filters of a page, from its URL (so that a view can be shared as a link): period, geography, level,
/// sector and channel, and what the cards compare with (the previous period or the same period a year earlier).</summary>
public sealed record PageFilters(string Period, int Geo, string? Level = null, string? Sector = null, string? Channel = null, bool YearAgo = false)
{
    public string Query(string? province = null)
    {
        var query = $"?period={Uri.EscapeDataString(Period)}&geo={Geo}";
        foreach (var (name, value) in new[] { ("level", Level), ("sector", Sector), ("channel", Channel), ("province", province) })
        {
            if (!string.IsNullOrEmpty(value))
            {
                query += $"&{name}={Uri.EscapeDataString(value)}";
            }
        }

        return YearAgo ? query + "&so-sanh=cung-ky" : query;
    }

    /// <summary>What the cards' changes are measured against.</summary>
    public string ComparedWith => YearAgo ? "so với cùng kỳ năm trước" : "so với kỳ trước";
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
    IReadOnlyList<KpiGroup> Levels, IReadOnlyList<KpiGroup> Sectors, IReadOnlyList<KpiGroup> Channels, IReadOnlyList<KpiGroup> Agencies, RankedUnit? Rank, int Ranked,
    Metrics.Index766.Index766Unit? Index766)
{
    /// <summary>How many agencies the page lists (those receiving the most dossiers).</summary>
    public const int TopAgencies = 15;
}

/// <summary>Gathers what the pages show from the metrics layer (cached answers, the same as the API), within what the user may see.</summary>
public sealed class PageData(KpiService kpi, RankingService rankings, TargetService targets, ProvinceMap map, TimeProvider clock, Metrics.Index766.Index766Service index766)
{
    public static readonly string[] CardMetrics =
        ["received_total", "resolved_total", "on_time_rate", "in_progress_overdue", "online_share", "postal_share", "satisfaction_index"];

    /// <summary>The filters of the URL, validated (a bad value is a 400 naming it); the default period is the last full month.</summary>
    public Selection Parse(string? period, string? geo, out PageFilters filters) => Parse(period, geo, null, null, null, null, out filters);

    /// <summary>All the filters of a page's URL, validated by the same parser as the API (a bad value is a 400 naming it).</summary>
    public Selection Parse(string? period, string? geo, string? level, string? sector, string? channel, string? compare, out PageFilters filters)
    {
        static IReadOnlyList<string>? One(string? value) => string.IsNullOrWhiteSpace(value) ? null : [value.Trim()];
        var selection = Parse(new SelectionParser.Input(Period: period, Geo: geo, Levels: One(level), Sectors: One(sector), Channels: One(channel)), out var text);
        var yearAgo = compare switch
        {
            null or "" or "ky-truoc" => false,
            "cung-ky" => true,
            _ => throw new SelectionException($"so-sanh: \"{compare}\" không hợp lệ; dùng ky-truoc hoặc cung-ky."),
        };
        filters = new PageFilters(text, selection.Geo, One(level)?[0], One(sector)?[0], One(channel)?[0], yearAgo);
        return selection;
    }

    /// <summary>Any filters of a URL, parsed once; a missing period is the last full month, returned as written.</summary>
    public Selection Parse(SelectionParser.Input input, out string period)
    {
        ArgumentNullException.ThrowIfNull(input);
        var today = SelectionParser.TodayInVietnam(clock);
        var lastMonth = today.AddDays(1 - today.Day).AddMonths(-1);
        period = string.IsNullOrWhiteSpace(input.Period) ? lastMonth.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture) : input.Period.Trim();
        return SelectionParser.Parse(input with { Period = period }, today);
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
        return new OverviewModel(filters, selection.Period, await CardsAsync(selection, null, totals, filters.YearAgo, cancellationToken).ConfigureAwait(false), ranking,
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
        var agencies = await kpi.GetAsync(own with { GroupBy = [Dimension.Agency] }, compare: false, cancellationToken).ConfigureAwait(false);
        var ranking = await rankings.RankAsync(selection with { Provinces = [] }, "on_time_rate", Dimension.Province, cancellationToken).ConfigureAwait(false);
        var index = (await index766.ComputeAsync(own, cancellationToken).ConfigureAwait(false)).Units;
        return new ProvinceModel(filters, own.Period, code, name, await CardsAsync(own, code, totals, filters.YearAgo, cancellationToken).ConfigureAwait(false),
            months.Groups.OrderBy(g => g.Period.Start).ToList(), levels.Groups, sectors.Groups.OrderByDescending(g => g["received_total"] ?? 0).ToList(),
            channels.Groups, agencies.Groups.OrderByDescending(g => g["received_total"] ?? 0).Take(ProvinceModel.TopAgencies).ToList(),
            ranking.Units.FirstOrDefault(u => u.Code == code), ranking.Units.Count(u => u.Rank is not null), index.Count == 1 ? index[0] : null);
    }

    private async Task<IReadOnlyList<Card>> CardsAsync(Selection selection, string? province, KpiGroup totals, bool yearAgo, CancellationToken cancellationToken)
    {
        var book = await targets.LoadAsync(selection.Period.End.Year, cancellationToken).ConfigureAwait(false);
        var earlier = yearAgo ? totals.YearAgo : totals.Previous;
        return CardMetrics.Select(key => new Card(MetricCatalogue.Get(key), totals[key], earlier?[key],
            book.For(key, selection.Geo, province, selection.Sectors, totals[key]))).ToList();
    }
}

using Microsoft.AspNetCore.Http;
using ReformMetrics.Dashboard.Access;
using ReformMetrics.Dashboard.Api;
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

/// <param name="DataAsOf">The instant the figures are complete up to (the refresh watermark), null when never refreshed.</param>
public sealed record OverviewModel(
    PageFilters Filters, Period Period, IReadOnlyList<Card> Cards, RankingResult Ranking, IReadOnlyDictionary<string, KpiGroup> Provinces, DateTimeOffset? DataAsOf)
{
    /// <summary>The metrics the map and the ranking can show.</summary>
    public static readonly IReadOnlyList<MetricDefinition> Choices =
        MetricCatalogue.All.Where(m => m.Family == MetricFamily.Dossiers && m.Unit == MetricUnit.Rate).ToList();

    public string MapSvg => TileMap.Svg(
        Ranking.Units.Select(u => (u.Code, u.Name ?? u.Code, u.Value)).ToList(), Ranking.Metric, code => $"/tinh/{code}{Filters.Query()}");
}

/// <param name="DataAsOf">The instant the figures are complete up to (the refresh watermark), null when never refreshed.</param>
public sealed record ProvinceModel(
    PageFilters Filters, Period Period, string Code, string Name, IReadOnlyList<Card> Cards, IReadOnlyList<KpiGroup> Months,
    IReadOnlyList<KpiGroup> Levels, IReadOnlyList<KpiGroup> Sectors, IReadOnlyList<KpiGroup> Channels, IReadOnlyList<KpiGroup> Agencies, RankedUnit? Rank, int Ranked,
    Metrics.Index766.Index766Unit? Index766, DateTimeOffset? DataAsOf)
{
    /// <summary>How many agencies the page lists (those receiving the most dossiers).</summary>
    public const int TopAgencies = 15;
}

/// <summary>Gathers what the pages show from the metrics layer (cached answers, the same as the API), within what the user may see.</summary>
public sealed class PageData(KpiService kpi, RankingService rankings, TargetService targets, ProvinceMap map, TimeProvider clock, Metrics.Index766.Index766Service index766)
{
    /// <summary>The filters of a page's URL (period, geo, and one level, sector and channel), bound and validated by the
    /// same parser as the API (a bad value is a 400 naming it); the default period is the last full month.</summary>
    public Selection Parse(HttpRequest request, out PageFilters filters)
    {
        ArgumentNullException.ThrowIfNull(request);
        var input = request.SelectionInput().Allow(SelectionWords.Period, SelectionWords.Geo, SelectionWords.Level, SelectionWords.Sector, SelectionWords.Channel);
        var selection = Parse(input, out var text);
        var yearAgo = request.Query["so-sanh"].FirstOrDefault() switch
        {
            null or "" or "ky-truoc" => false,
            "cung-ky" => true,
            var compare => throw new SelectionException($"so-sanh: \"{(compare.Length > 20 ? compare[..20] + "…" : compare)}\" không hợp lệ; dùng ky-truoc hoặc cung-ky."),
        };
        filters = new PageFilters(text, selection.Geo, OneValue(SelectionWords.Level, selection.Levels), OneValue(SelectionWords.Sector, selection.Sectors),
            OneValue(SelectionWords.Channel, selection.Channels), yearAgo);
        return selection;
    }

    /// <summary>The one value a page filters a word by (its pick lists choose one).</summary>
    public static string? OneValue(string word, IReadOnlyList<string> values) => values switch
    {
        [] => null,
        [var one] => one,
        _ => throw new SelectionException($"{word}: trang chỉ lọc theo một giá trị, không phải {values.Count}."),
    };

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
        var key = string.IsNullOrEmpty(metric) ? MetricCatalogue.OnTimeRate.Key : metric;
        if (OverviewModel.Choices.FirstOrDefault(m => m.Key == key) is not { } shown)
        {
            throw new SelectionException($"chi-so: \"{(key.Length > 40 ? key[..40] + "…" : key)}\" không phải một tỷ lệ hiển thị được trên bản đồ; dùng {string.Join(", ", OverviewModel.Choices.Select(m => m.Key))}.");
        }

        // The page says how fresh its figures are: the watermark read with the first answer (the others are at least as fresh).
        var answer = await kpi.GetAsync(selection, compare: true, cancellationToken).ConfigureAwait(false);
        var totals = answer.Groups.Single();
        var ranking = await rankings.RankAsync(selection, shown, Dimension.Province, cancellationToken).ConfigureAwait(false);
        var provinces = await kpi.GetAsync(selection with { GroupBy = [Dimension.Province] }, compare: false, cancellationToken).ConfigureAwait(false);
        return new OverviewModel(filters, selection.Period, await CardsAsync(selection, null, totals, filters.YearAgo, cancellationToken).ConfigureAwait(false), ranking,
            provinces.Groups.ToDictionary(g => g.Code(Dimension.Province), StringComparer.Ordinal), answer.DataAsOf);
    }

    public async Task<ProvinceModel> ProvinceAsync(AccessScope scope, Selection selection, PageFilters filters, string code, CancellationToken cancellationToken)
    {
        var own = await scope.RestrictAsync(selection with { Provinces = [code] }, map, cancellationToken).ConfigureAwait(false);
        var answer = await kpi.GetAsync(own, compare: true, cancellationToken).ConfigureAwait(false);
        var totals = answer.Groups.Single();
        var named = await kpi.GetAsync(own with { GroupBy = [Dimension.Province] }, compare: false, cancellationToken).ConfigureAwait(false);
        var name = named.Groups.Count > 0 && named.Groups[0].Name(Dimension.Province) is { } n ? n : code;
        var trend = Period.Range(new DateOnly(own.Period.End.Year, own.Period.End.Month, 1).AddMonths(-11), own.Period.Nominal.End);
        var months = await kpi.GetAsync(own with { Period = trend, Grain = TimeGrain.Month }, compare: false, cancellationToken).ConfigureAwait(false);
        var levels = await kpi.GetAsync(own with { GroupBy = [Dimension.Level] }, compare: false, cancellationToken).ConfigureAwait(false);
        var sectors = await kpi.GetAsync(own with { GroupBy = [Dimension.Sector] }, compare: false, cancellationToken).ConfigureAwait(false);
        var channels = await kpi.GetAsync(own with { GroupBy = [Dimension.Channel] }, compare: false, cancellationToken).ConfigureAwait(false);
        var agencies = await kpi.GetAsync(own with { GroupBy = [Dimension.Agency] }, compare: false, cancellationToken).ConfigureAwait(false);
        var ranking = await rankings.RankAsync(selection with { Provinces = [] }, MetricCatalogue.OnTimeRate, Dimension.Province, cancellationToken).ConfigureAwait(false);
        var index = (await index766.ComputeAsync(own, cancellationToken).ConfigureAwait(false)).Units;
        return new ProvinceModel(filters, own.Period, code, name, await CardsAsync(own, code, totals, filters.YearAgo, cancellationToken).ConfigureAwait(false),
            months.Groups.OrderBy(g => g.Period.Start).ToList(), levels.Groups, sectors.Groups.OrderByDescending(g => g[MetricCatalogue.ReceivedTotal] ?? 0).ToList(),
            channels.Groups, agencies.Groups.OrderByDescending(g => g[MetricCatalogue.ReceivedTotal] ?? 0).Take(ProvinceModel.TopAgencies).ToList(),
            ranking.Units.FirstOrDefault(u => u.Code == code), ranking.Units.Count(u => u.Rank is not null), index.Count == 1 ? index[0] : null, answer.DataAsOf);
    }

    private async Task<IReadOnlyList<Card>> CardsAsync(Selection selection, string? province, KpiGroup totals, bool yearAgo, CancellationToken cancellationToken)
    {
        var book = await targets.LoadAsync(selection.Period.End.Year, cancellationToken).ConfigureAwait(false);
        var earlier = yearAgo ? totals.YearAgo : totals.Previous;
        return MetricPresets.Headline.Metrics.Select(metric => new Card(metric, totals[metric], earlier?[metric],
            book.For(metric, selection.Geo, province, selection.Sectors, totals[metric]))).ToList();
    }
}

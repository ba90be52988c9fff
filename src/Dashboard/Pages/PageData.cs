using Microsoft.AspNetCore.Http;
using ReformMetrics.Dashboard.Access;
using ReformMetrics.Dashboard.Api;
using ReformMetrics.Metrics.Catalogue;
using ReformMetrics.Metrics.Index766;
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

    /// <summary>The figures of each province the table shows beside the ranked metric.</summary>
    public static readonly IReadOnlyList<MetricDefinition> Columns = [MetricCatalogue.ReceivedTotal, MetricCatalogue.OnlineShare, MetricCatalogue.InProgressOverdue];

    public string MapSvg => TileMap.Svg(
        Ranking.Units.Select(u => (u.Code, u.Name ?? u.Code, u.Value)).ToList(), Ranking.Metric, code => $"/tinh/{code}{Filters.Query()}");
}

/// <param name="DataAsOf">The instant the figures are complete up to (the refresh watermark), null when never refreshed.</param>
public sealed record ProvinceModel(
    PageFilters Filters, Period Period, string Code, string Name, IReadOnlyList<Card> Cards, IReadOnlyList<KpiGroup> Months,
    IReadOnlyList<KpiGroup> Levels, IReadOnlyList<KpiGroup> Sectors, IReadOnlyList<KpiGroup> Channels, IReadOnlyList<KpiGroup> Agencies, RankedUnit? Rank, int Ranked,
    Index766Unit? Index766, DateTimeOffset? DataAsOf)
{
    /// <summary>How many agencies the page lists (those receiving the most dossiers).</summary>
    public const int TopAgencies = 15;

    /// <summary>The metrics the monthly trend chart draws.</summary>
    public static readonly IReadOnlyList<MetricDefinition> TrendMetrics = [MetricCatalogue.OnTimeRate, MetricCatalogue.OnlineShare];
}

/// <summary>Gathers what the pages show from the metrics layer (cached answers, the same as the API), within what the user may see.</summary>
public sealed class PageData(KpiService kpi, RankingService rankings, TargetService targets, ProvinceMap map, TimeProvider clock)
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

        // Two questions, asked together, each for the figures the page shows only: the cards (the whole country, with the
        // comparison periods), and every province with the comparison periods, which the ranking, the map and the table
        // read. The page says how fresh its figures are: the watermark read with the first answer.
        var answerTask = kpi.GetAsync(selection, compare: true, cancellationToken, metrics: MetricPresets.Headline.Metrics);
        var provincesTask = kpi.GetAsync(RankingService.Question(selection, Dimension.Province), compare: true, cancellationToken,
            metrics: [shown, .. OverviewModel.Columns]);
        var answer = await answerTask.ConfigureAwait(false);
        var provinces = await provincesTask.ConfigureAwait(false);
        var totals = answer.Groups.Single();
        var ranking = RankingService.FromAnswer(selection, shown, Dimension.Province, provinces);
        return new OverviewModel(filters, selection.Period, await CardsAsync(selection, null, totals, filters.YearAgo, cancellationToken).ConfigureAwait(false), ranking,
            provinces.Groups.ToDictionary(g => g.Code(Dimension.Province), StringComparer.Ordinal), answer.DataAsOf);
    }

    public async Task<ProvinceModel> ProvinceAsync(AccessScope scope, Selection selection, PageFilters filters, string code, CancellationToken cancellationToken)
    {
        var own = await scope.RestrictAsync(selection with { Provinces = [code] }, map, cancellationToken).ConfigureAwait(false);
        // The page's questions are independent: asked together, each for the figures the page shows of it. The cards and
        // the 766 index read one answer (the index scores the period itself, which the comparison does not change).
        var trend = Period.Range(new DateOnly(own.Period.End.Year, own.Period.End.Month, 1).AddMonths(-11), own.Period.Nominal.End);
        var answerTask = kpi.GetAsync(own, compare: true, cancellationToken, metrics: [.. MetricPresets.Headline.Metrics, .. Index766Service.Metrics]);
        var monthsTask = kpi.GetAsync(own with { Period = trend, Grain = TimeGrain.Month }, compare: false, cancellationToken, metrics: ProvinceModel.TrendMetrics);
        Task<KpiResult> Breakdown(Dimension by) =>
            kpi.GetAsync(own with { GroupBy = [by] }, compare: false, cancellationToken, metrics: [.. MetricPresets.Breakdown.Metrics, MetricCatalogue.ReceivedTotal]);
        var levelsTask = Breakdown(Dimension.Level);
        var sectorsTask = Breakdown(Dimension.Sector);
        var channelsTask = Breakdown(Dimension.Channel);
        var agenciesTask = TopAgenciesAsync(own, cancellationToken);
        var rankingTask = rankings.RankAsync(selection with { Provinces = [] }, MetricCatalogue.OnTimeRate, Dimension.Province, cancellationToken);
        await Task.WhenAll(answerTask, monthsTask, levelsTask, sectorsTask, channelsTask, agenciesTask, rankingTask).ConfigureAwait(false);
        var answer = await answerTask.ConfigureAwait(false);
        var totals = answer.Groups.Single();
        var ranking = await rankingTask.ConfigureAwait(false);
        // The name of the province: the ranking has every province with figures under the page's filters, named from the
        // reference lists (a province without figures is shown by its code).
        var name = ranking.Units.FirstOrDefault(u => u.Code == code)?.Name ?? code;
        var index = Index766Service.FromAnswer(own, answer).Units;
        return new ProvinceModel(filters, own.Period, code, name, await CardsAsync(own, code, totals, filters.YearAgo, cancellationToken).ConfigureAwait(false),
            (await monthsTask.ConfigureAwait(false)).Groups.OrderBy(g => g.Period.Start).ToList(), (await levelsTask.ConfigureAwait(false)).Groups,
            (await sectorsTask.ConfigureAwait(false)).Groups.OrderByDescending(g => g[MetricCatalogue.ReceivedTotal] ?? 0).ToList(),
            (await channelsTask.ConfigureAwait(false)).Groups,
            await agenciesTask.ConfigureAwait(false),
            ranking.Units.FirstOrDefault(u => u.Code == code), ranking.Units.Count(u => u.Rank is not null), index.Count == 1 ? index[0] : null, answer.DataAsOf);
    }

    /// <summary>The agencies receiving the most dossiers, with the breakdown's figures: the receipts of every agency first,
    /// then the figures of those shown only (a province has hundreds of agencies; the page lists
    /// <see cref="ProvinceModel.TopAgencies"/>). Ties keep the order of the codes, in both questions.</summary>
    private async Task<IReadOnlyList<KpiGroup>> TopAgenciesAsync(Selection own, CancellationToken cancellationToken)
    {
        static IEnumerable<KpiGroup> Top(KpiResult answer) =>
            answer.Groups.OrderByDescending(g => g[MetricCatalogue.ReceivedTotal] ?? 0).Take(ProvinceModel.TopAgencies);
        var byAgency = own with { GroupBy = [Dimension.Agency] };
        var received = await kpi.GetAsync(byAgency, compare: false, cancellationToken, metrics: [MetricCatalogue.ReceivedTotal]).ConfigureAwait(false);
        var top = Top(received).Select(g => g.Code(Dimension.Agency)).ToList();
        return top.Count == 0 ? []
            : Top(await kpi.GetAsync(byAgency with { Agencies = top }, compare: false, cancellationToken,
                metrics: [.. MetricPresets.Breakdown.Metrics, MetricCatalogue.ReceivedTotal]).ConfigureAwait(false)).ToList();
    }

    private async Task<IReadOnlyList<Card>> CardsAsync(Selection selection, string? province, KpiGroup totals, bool yearAgo, CancellationToken cancellationToken)
    {
        var book = await targets.LoadAsync(selection.Period.End.Year, cancellationToken).ConfigureAwait(false);
        var earlier = yearAgo ? totals.YearAgo : totals.Previous;
        return MetricPresets.Headline.Metrics.Select(metric => new Card(metric, totals[metric], earlier?[metric],
            book.For(metric, selection.Geo, province, selection.Sectors, totals[metric]))).ToList();
    }
}

using ReformMetrics.Metrics.Catalogue;
using ReformMetrics.Metrics.Query;
using ReformMetrics.Metrics.Rankings;

namespace ReformMetrics.Metrics.Index766;

public sealed record IndicatorScore(Index766Indicator Indicator, double? Rate, double? Points);

public sealed record GroupScore(Index766Group Group, double Points, double ComputedMax, int Indicators, int Computed);

/// <summary>One unit's index: every indicator (those the events cannot measure have no rate and no points), the
/// groups, the points obtained out of the points the events can measure, and the rank on that share.</summary>
public sealed record Index766Unit(
    IReadOnlyList<GroupKey> Keys, IReadOnlyList<IndicatorScore> Indicators, IReadOnlyList<GroupScore> Groups, double Points, double ComputedMax, int? Rank)
{
    /// <summary>Points over the computable maximum: the only fair basis while a part of the index cannot be computed.</summary>
    public double? Share => ComputedMax > 0 ? Points / ComputedMax : null;
}

public sealed record Index766Result(Selection Selection, Index766Scoring Scoring, IReadOnlyList<Index766Unit> Units);

/// <summary>Decision 766 indicators computed from the events, scored with the portal's rule (parameters in index766.json).</summary>
public sealed class Index766Service(KpiService kpi)
{
    public const string Satisfaction766 = "satisfaction_766";

    /// <summary>The index of each unit of the selection, ranked. Grouped by province, the provinces are ranked among every
    /// province of the geography (with the selection's other filters) before the ones asked for are kept: a province's
    /// rank is the same whoever asks, never its place among the few a user may see.</summary>
    public async Task<Index766Result> ComputeAsync(Selection selection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(selection);
        var result = await kpi.GetAsync(Ranked(selection) with { Grain = TimeGrain.None }, compare: false, cancellationToken, metrics: Metrics).ConfigureAwait(false);
        return FromAnswer(selection, result);
    }

    /// <summary>The metrics of the catalogue the indicators read.</summary>
    public static IReadOnlyList<MetricDefinition> Metrics { get; } = Index766Scoring.Load().Indicators
        .SelectMany(i => i.Metric switch
        {
            null => [],
            Satisfaction766 => new[] { MetricCatalogue.SatisfactionIndex, MetricCatalogue.OverdueRate },
            var key => [MetricCatalogue.Get(key)],
        })
        .Distinct().ToList();

    /// <summary>The index of each unit of the selection from an answer to <see cref="Ranked"/> of it (without grain; with or
    /// without comparison periods, which the index does not read), ranked as <see cref="ComputeAsync"/> ranks them.</summary>
    public static Index766Result FromAnswer(Selection selection, KpiResult result)
    {
        ArgumentNullException.ThrowIfNull(selection);
        ArgumentNullException.ThrowIfNull(result);
        var scoring = Index766Scoring.Load();
        var byProvince = selection.GroupBy is [Dimension.Province];
        var units = result.Groups.Select(g => Score(g, scoring)).ToList();
        var ranks = Ranking.Rank(units.Select((u, i) => (i.ToString(System.Globalization.CultureInfo.InvariantCulture), u.Share)), Catalogue.Better.Higher);
        units = units.Select((u, i) => u with { Rank = ranks.TryGetValue(i.ToString(System.Globalization.CultureInfo.InvariantCulture), out var r) ? r : null })
            .Where(u => !byProvince || selection.Provinces.Count == 0 || selection.Provinces.Contains(u.Keys.Single(k => k.Dimension == Dimension.Province).Code))
            .OrderBy(u => u.Rank ?? int.MaxValue).ToList();
        return new Index766Result(selection, scoring, units);
    }

    /// <summary>The selection whose units are ranked: grouped by province, every province of the geography.</summary>
    public static Selection Ranked(Selection selection)
    {
        ArgumentNullException.ThrowIfNull(selection);
        return selection.GroupBy is [Dimension.Province] ? selection with { Provinces = [] } : selection;
    }

    public static Index766Unit Score(KpiGroup group, Index766Scoring scoring)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(scoring);
        var indicators = scoring.Indicators.Select(indicator =>
        {
            var rate = indicator.Metric switch
            {
                null => null,
                Satisfaction766 => group[MetricCatalogue.SatisfactionIndex] is { } s && group[MetricCatalogue.OverdueRate] is { } o ? Math.Max(s - o, 0) : (double?)null,
                var key => group[MetricCatalogue.Get(key)],
            };
            return new IndicatorScore(indicator, rate, indicator.Computable ? indicator.Points(rate) : null);
        }).ToList();
        var groups = scoring.Groups.Select(g =>
        {
            var members = indicators.Where(i => i.Indicator.Group == g.Id).ToList();
            var computed = members.Where(i => i.Points is not null).ToList();
            return new GroupScore(g, computed.Sum(i => i.Points!.Value), computed.Sum(i => i.Indicator.Max), members.Count, computed.Count);
        }).ToList();
        return new Index766Unit(group.Keys, indicators, groups, groups.Sum(g => g.Points), groups.Sum(g => g.ComputedMax), null);
    }
}

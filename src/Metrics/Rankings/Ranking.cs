using ReformMetrics.Metrics.Catalogue;
using ReformMetrics.Metrics.Query;

namespace ReformMetrics.Metrics.Rankings;

/// <summary>One unit's place: rank 1 is the best; units with equal values share a rank and the next rank is skipped
/// (competition ranking, 1-2-2-4). Movement is the previous rank minus this one (positive = moved up); null when the
/// unit was not ranked before. Units without a value are listed last, unranked.</summary>
public sealed record RankedUnit(string Code, string? Name, double? Value, int? Rank, int? PreviousRank, double? PreviousValue)
{
    public int? Movement => Rank is { } now && PreviousRank is { } before ? before - now : null;
}

public sealed record RankingResult(MetricDefinition Metric, Dimension By, Selection Selection, IReadOnlyList<RankedUnit> Units);

public static class Ranking
{
    /// <summary>Competition ranks of the values, best first according to <paramref name="better"/> (Neutral ranks high first).</summary>
    public static Dictionary<string, int> Rank(IEnumerable<(string Code, double? Value)> values, Better better)
    {
        ArgumentNullException.ThrowIfNull(values);
        var ranked = values.Where(v => v.Value is not null && double.IsFinite(v.Value.Value))
            .OrderBy(v => better == Better.Lower ? v.Value : -v.Value).ToList();
        var ranks = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < ranked.Count; i++)
        {
            // Values are compared rounded to the precision users see (rates to 0.01 points) so that ties look like ties.
            ranks[ranked[i].Code] = i > 0 && Same(ranked[i].Value!.Value, ranked[i - 1].Value!.Value) ? ranks[ranked[i - 1].Code] : i + 1;
        }

        return ranks;
    }

    private static bool Same(double a, double b) => Math.Abs(Math.Round(a, 6) - Math.Round(b, 6)) < 1e-9;
}

/// <summary>Ranks provinces, agencies or sectors on any metric of the catalogue, with the movement since the previous period.</summary>
public sealed class RankingService(KpiService kpi)
{
    public async Task<RankingResult> RankAsync(Selection selection, MetricDefinition metric, Dimension by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(selection);
        ArgumentNullException.ThrowIfNull(metric);
        var result = await kpi.GetAsync(Question(selection, by), compare: true, cancellationToken, metrics: [metric]).ConfigureAwait(false);
        return FromAnswer(selection, metric, by, result);
    }

    /// <summary>The question a ranking answers: the selection grouped by <paramref name="by"/> alone, without grain, asked
    /// with its comparison periods.</summary>
    public static Selection Question(Selection selection, Dimension by)
    {
        ArgumentNullException.ThrowIfNull(selection);
        return selection with { GroupBy = [by], Grain = TimeGrain.None };
    }

    /// <summary>The ranking read from an answer to <see cref="Question"/> (asked with comparison periods and at least
    /// <paramref name="metric"/>), for a page that reads other figures of the same answer too.</summary>
    public static RankingResult FromAnswer(Selection selection, MetricDefinition metric, Dimension by, KpiResult result)
    {
        ArgumentNullException.ThrowIfNull(metric);
        ArgumentNullException.ThrowIfNull(result);
        var current = result.Groups.Select(g => (Code: g.Code(by), Value: g[metric])).ToList();
        var previous = result.Groups.Select(g => (Code: g.Code(by), Value: g.Previous?[metric])).ToList();
        var ranks = Ranking.Rank(current, metric.Better);
        var previousRanks = Ranking.Rank(previous, metric.Better);
        var units = result.Groups.Select(g =>
        {
            var code = g.Code(by);
            return new RankedUnit(code, g.Name(by), g[metric],
                ranks.TryGetValue(code, out var r) ? r : null, previousRanks.TryGetValue(code, out var p) ? p : null, g.Previous?[metric]);
        }).OrderBy(u => u.Rank ?? int.MaxValue).ThenBy(u => u.Code, StringComparer.Ordinal).ToList();
        return new RankingResult(metric, by, selection, units);
    }
}

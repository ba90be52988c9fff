using ReformMetrics.Metrics.Catalogue;
using ReformMetrics.Metrics.Periods;
using ReformMetrics.Metrics.Query;
using ReformMetrics.Metrics.Rankings;
using ReformMetrics.Metrics.Targets;
using ReformMetrics.Reports.OfficialForm;

namespace ReformMetrics.Reports.Bulletin;

/// <summary>Gathers the bulletin's figures from the metrics layer; every number is answered by ClickHouse.</summary>
public sealed class BulletinBuilder(KpiService kpi, RankingService rankings, TargetService targets, TthcResultsBuilder forms, TimeProvider clock)
{
    /// <summary>How many sectors and agencies the tables of those most often late show.</summary>
    public const int WorstCount = 6;

    /// <summary>A sector or agency needs this many resolved dossiers to be listed among the worst: one late dossier of two
    /// is not a pattern.</summary>
    public const int MinResolved = 5;

    /// <summary>The trend covers the 12 months up to the end of the period, or all of a longer period's months (at most 24).</summary>
    public const int TrendMonths = 12;

    public async Task<BulletinReport> BuildAsync(Period period, int geo, string? province, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(period);
        var selection = new Selection { Period = period, Geo = geo, Provinces = province is null ? [] : [province] };
        var totals = (await kpi.GetAsync(selection, compare: true, cancellationToken).ConfigureAwait(false)).Groups.Single();
        var book = await targets.LoadAsync(period.End.Year, cancellationToken).ConfigureAwait(false);
        var checks = new Dictionary<MetricDefinition, TargetCheck>(ReferenceEqualityComparer.Instance);
        foreach (var metric in MetricPresets.Bulletin.Metrics)
        {
            if (book.For(metric, geo, province, [], totals[metric]) is { } check)
            {
                checks[metric] = check;
            }
        }

        var months = await kpi.GetAsync(selection with { Period = TrendPeriod(period), Grain = TimeGrain.Month }, compare: false, cancellationToken).ConfigureAwait(false);
        var sectors = await WorstAsync(selection, Dimension.Sector, cancellationToken).ConfigureAwait(false);
        var agencies = await WorstAsync(selection, Dimension.Agency, cancellationToken).ConfigureAwait(false);
        var ranking = await rankings.RankAsync(new Selection { Period = period, Geo = geo }, MetricCatalogue.OnTimeRate, Dimension.Province, cancellationToken).ConfigureAwait(false);
        var form = await forms.BuildAsync(period, geo, province, FormLayout.LevelAndSector, cancellationToken).ConfigureAwait(false);
        return new BulletinReport(form.UnitName, province, period, geo, totals, checks, months.Groups.OrderBy(g => g.Period.Start).ToList(),
            sectors, agencies, ranking, form, clock.GetUtcNow());
    }

    /// <summary>The whole months ending with the period's (nominal) last month.</summary>
    public static Period TrendPeriod(Period period)
    {
        ArgumentNullException.ThrowIfNull(period);
        var end = period.Nominal.End;
        var lastMonth = new DateOnly(end.Year, end.Month, 1);
        var months = Math.Clamp(((end.Year - period.Nominal.Start.Year) * 12) + end.Month - period.Nominal.Start.Month + 1, TrendMonths, 24);
        return Period.Range(lastMonth.AddMonths(1 - months), lastMonth.AddMonths(1).AddDays(-1));
    }

    private async Task<IReadOnlyList<WeakUnit>> WorstAsync(Selection selection, Dimension by, CancellationToken cancellationToken)
    {
        var result = await kpi.GetAsync(selection with { GroupBy = [by] }, compare: false, cancellationToken).ConfigureAwait(false);
        return result.Groups
            .Where(g => g[MetricCatalogue.ResolvedOverdue] is > 0 && g[MetricCatalogue.OverdueRate] is not null && g[MetricCatalogue.ResolvedTotal] >= MinResolved)
            .Select(g => new WeakUnit(g.Code(by), g.Label(by), g[MetricCatalogue.OverdueRate]!.Value,
                (long)g[MetricCatalogue.ResolvedOverdue]!.Value, (long)(g[MetricCatalogue.ResolvedTotal] ?? 0)))
            .OrderByDescending(u => u.OverdueRate).ThenByDescending(u => u.Overdue).ThenBy(u => u.Code, StringComparer.Ordinal)
            .Take(WorstCount).ToList();
    }
}

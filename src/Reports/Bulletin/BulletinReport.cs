using ReformMetrics.Metrics.Catalogue;
using ReformMetrics.Metrics.Periods;
using ReformMetrics.Metrics.Query;
using ReformMetrics.Metrics.Rankings;
using ReformMetrics.Metrics.Targets;
using ReformMetrics.Reports.OfficialForm;

namespace ReformMetrics.Reports.Bulletin;

/// <summary>A sector or agency among the worst on overdue resolution.</summary>
public sealed record WeakUnit(string Code, string Name, double OverdueRate, long Overdue, long Resolved);

/// <summary>
/// Everything the PDF bulletin shows for one province (or the whole country, <see cref="Province"/> null) and period:
/// the totals with the previous period and the same period a year earlier, the targets that apply, the monthly trend,
/// the worst sectors and agencies, the ranking of all provinces, and the official form.
/// </summary>
public sealed record BulletinReport(
    string UnitName,
    string? Province,
    Period Period,
    int Geo,
    KpiGroup Totals,
    IReadOnlyDictionary<MetricDefinition, TargetCheck> Targets,
    IReadOnlyList<KpiGroup> Months,
    IReadOnlyList<WeakUnit> WorstSectors,
    IReadOnlyList<WeakUnit> WorstAgencies,
    RankingResult Ranking,
    TthcResultsReport Form,
    DateTimeOffset GeneratedAt)
{
    public double? this[MetricDefinition metric] => Totals[metric];

    public double? Previous(MetricDefinition metric) => Totals.Previous?[metric];

    public RankedUnit? Rank => Province is null ? null : Ranking.Units.FirstOrDefault(u => u.Code == Province);
}

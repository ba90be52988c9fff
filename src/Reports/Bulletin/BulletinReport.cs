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
    IReadOnlyDictionary<string, TargetCheck> Targets,
    IReadOnlyList<KpiGroup> Months,
    IReadOnlyList<WeakUnit> WorstSectors,
    IReadOnlyList<WeakUnit> WorstAgencies,
    RankingResult Ranking,
    TthcResultsReport Form,
    DateTimeOffset GeneratedAt)
{
    /// <summary>The headline metrics, in the order the bulletin lists them.</summary>
    public static readonly IReadOnlyList<string> Headline =
    [
        "received_total", "received_new", "resolved_total", "on_time_rate", "early_rate", "overdue_rate", "in_progress_overdue",
        "apology_rate", "online_share", "postal_share", "online_payment_share", "satisfaction_index", "processing_days_median",
        "feedback_on_time_rate",
    ];

    public double? this[string key] => Totals[key];

    public double? Previous(string key) => Totals.Previous?[key];

    public RankedUnit? Rank => Province is null ? null : Ranking.Units.FirstOrDefault(u => u.Code == Province);
}

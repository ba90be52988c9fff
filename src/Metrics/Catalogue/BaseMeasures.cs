using ReformMetrics.Store.Refresh;

namespace ReformMetrics.Metrics.Catalogue;

/// <summary>
/// Every base measure the catalogue's formulas are written over, declared once. The query path (<c>Query/KpiSql</c>)
/// and the analysts' KPI views (<c>Query/KpiViews</c>, rendered into sql/repeatable/kpi_views.sql) generate their SQL
/// from this list; the pre-aggregate columns it names are declared in <see cref="PreAggregates"/> and checked against
/// the migrated schema.
/// </summary>
public static class BaseMeasures
{
    private const string ReceivedIn = "rd >= bs AND rd <= be";
    private const string EndedIn = "ed >= bs AND ed <= be";

    // In progress and overdue at the end of the bucket: overdue from overdue_from until it ends or pauses.
    private const string OverdueAtEnd = "owp AND overdue_from <= be AND (isNull(ou) OR ou > be)";

    // The tasks of the plan years a bucket touches.
    private const string PlanYears = "year >= toYear(bs) AND year <= toYear(be)";

    public static readonly IReadOnlyList<BaseMeasure> All =
    [
        Dossier("b_carried_over", "dossiers received before the period, neither resolved nor withdrawn before it",
            PreAggregates.PendingDelta, Timing.BeforeStart, "countIf(rd < bs AND (isNull(ed) OR ed >= bs))"),
        Dossier("b_received_new", "dossiers received", PreAggregates.Received, Timing.InPeriod, $"countIf({ReceivedIn})"),
        Dossier("b_received_online", "dossiers received online", PreAggregates.Received, Timing.InPeriod, $"countIf({ReceivedIn} AND ch = 'online')", "online"),
        Dossier("b_received_direct", "dossiers received at the counter", PreAggregates.Received, Timing.InPeriod, $"countIf({ReceivedIn} AND ch = 'direct')", "direct"),
        Dossier("b_received_postal", "dossiers received by post", PreAggregates.Received, Timing.InPeriod, $"countIf({ReceivedIn} AND ch = 'postal')", "postal"),
        Dossier("b_received_enabled", "dossiers received of procedures offered fully online", PreAggregates.ReceivedEnabled, Timing.InPeriod,
            $"countIf({ReceivedIn} AND online_enabled = 1)"),
        Dossier("b_received_online_enabled", "of those, received online", PreAggregates.ReceivedEnabled, Timing.InPeriod,
            $"countIf({ReceivedIn} AND online_enabled = 1 AND ch = 'online')", "online"),
        Dossier("b_resolved_early", "dossiers resolved on a day before the deadline's day", PreAggregates.ResolvedEarly, Timing.InPeriod,
            $"countIf({EndedIn} AND status = 'resolved' AND resolution_class = 'early')"),
        Dossier("b_resolved_on_time", "dossiers resolved on the deadline's day, not after its time", PreAggregates.ResolvedOnTime, Timing.InPeriod,
            $"countIf({EndedIn} AND status = 'resolved' AND resolution_class = 'on_time')"),
        Dossier("b_resolved_overdue", "dossiers resolved after the deadline", PreAggregates.ResolvedOverdue, Timing.InPeriod,
            $"countIf({EndedIn} AND status = 'resolved' AND resolution_class = 'overdue')"),
        Dossier("b_resolved_overdue_766", "dossiers resolved overdue by the 766 rule (after the deadline, or after more than one supplement request)",
            PreAggregates.ResolvedOverdue766, Timing.InPeriod, $"countIf({EndedIn} AND status = 'resolved' AND resolution_class_766 = 'overdue')"),
        Dossier("b_withdrawn", "dossiers withdrawn", PreAggregates.Withdrawn, Timing.InPeriod, $"countIf({EndedIn} AND status = 'withdrawn')"),
        Dossier("b_in_progress", "dossiers received and neither resolved nor withdrawn at the end of the period", PreAggregates.PendingDelta, Timing.AtEnd,
            "countIf(rd <= be AND (isNull(ed) OR ed > be))"),
        Dossier("b_in_progress_overdue", "of those, past their deadline and not waiting for the applicant", PreAggregates.PendingOverdueDelta, Timing.AtEnd,
            $"countIf({OverdueAtEnd})"),
        Dossier("b_resolved_overdue_apologized", "dossiers resolved after the deadline with an apology letter", PreAggregates.ResolvedOverdueApologized,
            Timing.InPeriod, $"countIf({EndedIn} AND status = 'resolved' AND resolution_class = 'overdue' AND apologized = 1)"),
        Dossier("b_in_progress_overdue_apologized", "dossiers in progress past their deadline with an apology letter",
            PreAggregates.PendingOverdueApologizedDelta, Timing.AtEnd, $"countIf({OverdueAtEnd} AND apologized = 1)"),
        Dossier("b_returned", "results returned", PreAggregates.Returned, Timing.InPeriod,
            "countIf(toDate(returned_at) >= bs AND toDate(returned_at) <= be)"),
        Dossier("b_returned_postal", "results returned by post", PreAggregates.ReturnedPostal, Timing.InPeriod,
            "countIf(toDate(returned_at) >= bs AND toDate(returned_at) <= be AND return_channel = 'postal')"),
        Dossier("b_with_fee", "dossiers received with a fee due", PreAggregates.WithFee, Timing.InPeriod, $"countIf({ReceivedIn} AND has_fee = 1)"),
        Dossier("b_paid_online", "of those, paid online", PreAggregates.PaidOnline, Timing.InPeriod, $"countIf({ReceivedIn} AND has_fee = 1 AND paid_online = 1)"),
        Dossier("b_rated_very_satisfied", "ratings 'very satisfied' given (the latest rating of each dossier)", PreAggregates.RatedVerySatisfied,
            Timing.InPeriod, "countIf(toDate(rated_at) >= bs AND toDate(rated_at) <= be AND rating = 'very_satisfied')"),
        Dossier("b_rated_satisfied", "ratings 'satisfied'", PreAggregates.RatedSatisfied, Timing.InPeriod,
            "countIf(toDate(rated_at) >= bs AND toDate(rated_at) <= be AND rating = 'satisfied')"),
        Dossier("b_rated_dissatisfied", "ratings 'dissatisfied'", PreAggregates.RatedDissatisfied, Timing.InPeriod,
            "countIf(toDate(rated_at) >= bs AND toDate(rated_at) <= be AND rating = 'dissatisfied')"),
        Dossier("b_processing_wd_sum", "working days from receipt to resolution of the dossiers resolved, less the days waiting for the applicant, added up",
            PreAggregates.ProcessingWdSum, Timing.InPeriod, $"sumIf(ifNull(processing_wd, 0), {EndedIn} AND status = 'resolved')"),
        Dossier("b_processing_wd_hist", "the same working days as a histogram (working days → dossiers resolved)", PreAggregates.ProcessingWdHist, Timing.InPeriod,
            $"sumMapIf(map(toUInt16(least(assumeNotNull(processing_wd), 65535)), toUInt64(1)), {EndedIn} AND status = 'resolved' AND isNotNull(processing_wd))"),
        new DerivedMeasure("b_processing_sorted", "the histogram as (working days, dossiers) pairs by working days",
            "arraySort(x -> x.1, arrayZip(mapKeys(b_processing_wd_hist), mapValues(b_processing_wd_hist)))"),
        new DerivedMeasure("b_processing_n", "dossiers in the histogram", "arraySum(mapValues(b_processing_wd_hist))"),

        Feedback("b_feedback_received", "feedback items received in the period", $"countIf({ReceivedIn})", (item, bs, be, _) => item.ReceivedIn(bs, be)),
        Feedback("b_feedback_resolved", "of those, resolved by the end of the period", $"countIf({ReceivedIn} AND {FeedbackResolvedBy("be")})",
            (item, bs, be, _) => item.ReceivedIn(bs, be) && item.ResolvedBy(be)),
        Feedback("b_feedback_on_time", "of those, resolved within 15 working days, or pending and not yet 15 working days old at the end",
            $"""
            countIf({ReceivedIn} AND if({FeedbackResolvedBy("be")},
                reform_working_days_between(received_at, resolved_at, cal) <= 15,
                reform_working_days_between(received_at, be + 1, cal) <= 15))
            """,
            (item, bs, be, calendar) => item.ReceivedIn(bs, be) && (item.ResolvedBy(be)
                ? calendar.Between(item.Received, item.Resolved!.Value) <= 15
                : calendar.Between(item.Received, be.AddDays(1)) <= 15)),

        Task("b_tasks_total", "tasks of the plan years the period touches", $"countIf({PlanYears})"),
        .. TaskRegisterStatus.All.Select(status => Task($"b_tasks_{status}", $"of those, {status.Replace('_', ' ')} at the end of the period",
            $"countIf({PlanYears} AND {TaskRegisterStatus.At("be")} = '{status}')")),
    ];

    private static readonly Dictionary<string, BaseMeasure> ByName = All.ToDictionary(m => m.Name, StringComparer.Ordinal);

    public static bool TryGet(string name, out BaseMeasure measure) => ByName.TryGetValue(name, out measure!);

    /// <summary>Whether a feedback item (a row of v_feedback) was resolved by the end of <paramref name="day"/> (a SQL Date
    /// expression): the rule of the feedback metrics and of the register page.</summary>
    public static string FeedbackResolvedBy(string day) => $"ifNull(toDate(resolved_at) <= {day}, 0)";

    /// <summary>The base measures the formulas of <paramref name="metrics"/> need, directly or through other metrics and
    /// derived measures, in the order of this list.</summary>
    public static IReadOnlyList<BaseMeasure> Needed(IEnumerable<MetricDefinition> metrics)
    {
        var needed = new HashSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(metrics.SelectMany(m => m.Inputs));
        while (pending.TryPop(out var name))
        {
            if (!seen.Add(name))
            {
                continue;
            }

            if (ByName.TryGetValue(name, out var measure))
            {
                needed.Add(name);
                if (measure is DerivedMeasure derived)
                {
                    foreach (var input in Formula.Identifiers(derived.Sql))
                    {
                        pending.Push(input);
                    }
                }
            }
            else if (MetricCatalogue.TryGet(name, out var metric))
            {
                foreach (var input in metric.Inputs)
                {
                    pending.Push(input);
                }
            }
            else
            {
                throw new InvalidOperationException($"The formula input {name} is neither a base measure nor a metric.");
            }
        }

        return All.Where(m => needed.Contains(m.Name)).ToList();
    }

    private static DossierMeasure Dossier(string name, string meaning, PreAggregateColumn column, Timing timing, string overState, string? channel = null) =>
        new(name, meaning, column, timing, overState, channel);

    private static ItemMeasure Feedback(string name, string meaning, string overItems, FeedbackCount counts) =>
        new(name, meaning, MetricFamily.Feedback, overItems) { Counts = counts };

    private static ItemMeasure Task(string name, string meaning, string overItems) => new(name, meaning, MetricFamily.Tasks, overItems);
}

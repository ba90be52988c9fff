namespace ReformMetrics.Metrics.Query;

/// <summary>
/// The base measures every dossier metric is computed from, each written twice: over the pre-aggregates (kpi_daily or
/// kpi_monthly, time column <c>t</c>) and over the dossier state (one row per dossier). In both, a measure is relative
/// to a bucket [bs, be]: flows count what happened in it, stocks count what stood at its end (or before its start).
/// The stock rules mirror kpi_contributions in sql/migrations/0003_dossier_state.sql, so both paths agree exactly.
/// </summary>
internal static class Measures
{
    private const string InBucket = "t >= bs AND t <= be";

    /// <summary>(name, over the aggregates, over the dossier state).</summary>
    public static readonly IReadOnlyList<(string Name, string Aggregate, string State)> Dossier =
    [
        ("b_carried_over", "sumIf(pending_delta, t < bs)", "countIf(rd < bs AND (isNull(ed) OR ed >= bs))"),
        ("b_received_new", $"sumIf(received, {InBucket})", "countIf(rd >= bs AND rd <= be)"),
        ("b_received_online", $"sumIf(received, {InBucket} AND channel = 'online')", "countIf(rd >= bs AND rd <= be AND ch = 'online')"),
        ("b_received_direct", $"sumIf(received, {InBucket} AND channel = 'direct')", "countIf(rd >= bs AND rd <= be AND ch = 'direct')"),
        ("b_received_postal", $"sumIf(received, {InBucket} AND channel = 'postal')", "countIf(rd >= bs AND rd <= be AND ch = 'postal')"),
        ("b_received_enabled", $"sumIf(received_enabled, {InBucket})", "countIf(rd >= bs AND rd <= be AND online_enabled = 1)"),
        ("b_received_online_enabled", $"sumIf(received_enabled, {InBucket} AND channel = 'online')", "countIf(rd >= bs AND rd <= be AND online_enabled = 1 AND ch = 'online')"),
        ("b_resolved_early", $"sumIf(resolved_early, {InBucket})", "countIf(ed >= bs AND ed <= be AND status = 'resolved' AND resolution_class = 'early')"),
        ("b_resolved_on_time", $"sumIf(resolved_on_time, {InBucket})", "countIf(ed >= bs AND ed <= be AND status = 'resolved' AND resolution_class = 'on_time')"),
        ("b_resolved_overdue", $"sumIf(resolved_overdue, {InBucket})", "countIf(ed >= bs AND ed <= be AND status = 'resolved' AND resolution_class = 'overdue')"),
        ("b_resolved_overdue_766", $"sumIf(resolved_overdue_766, {InBucket})", "countIf(ed >= bs AND ed <= be AND status = 'resolved' AND resolution_class_766 = 'overdue')"),
        ("b_withdrawn", $"sumIf(withdrawn, {InBucket})", "countIf(ed >= bs AND ed <= be AND status = 'withdrawn')"),
        ("b_in_progress", "sumIf(pending_delta, t <= be)", "countIf(rd <= be AND (isNull(ed) OR ed > be))"),
        ("b_in_progress_overdue", "sumIf(pending_overdue_delta, t <= be)", $"countIf({OverdueAtEnd})"),
        ("b_apologized_overdue", $"sumIf(resolved_overdue_apologized, {InBucket}) + sumIf(pending_overdue_apologized_delta, t <= be)",
            $"countIf(ed >= bs AND ed <= be AND status = 'resolved' AND resolution_class = 'overdue' AND apologized = 1) + countIf({OverdueAtEnd} AND apologized = 1)"),
        ("b_returned", $"sumIf(returned, {InBucket})", "countIf(toDate(returned_at) >= bs AND toDate(returned_at) <= be)"),
        ("b_returned_postal", $"sumIf(returned_postal, {InBucket})", "countIf(toDate(returned_at) >= bs AND toDate(returned_at) <= be AND return_channel = 'postal')"),
        ("b_with_fee", $"sumIf(with_fee, {InBucket})", "countIf(rd >= bs AND rd <= be AND has_fee = 1)"),
        ("b_paid_online", $"sumIf(paid_online, {InBucket})", "countIf(rd >= bs AND rd <= be AND has_fee = 1 AND paid_online = 1)"),
        ("b_rated_very_satisfied", $"sumIf(rated_very_satisfied, {InBucket})", "countIf(toDate(rated_at) >= bs AND toDate(rated_at) <= be AND rating = 'very_satisfied')"),
        ("b_rated_satisfied", $"sumIf(rated_satisfied, {InBucket})", "countIf(toDate(rated_at) >= bs AND toDate(rated_at) <= be AND rating = 'satisfied')"),
        ("b_rated_dissatisfied", $"sumIf(rated_dissatisfied, {InBucket})", "countIf(toDate(rated_at) >= bs AND toDate(rated_at) <= be AND rating = 'dissatisfied')"),
    ];

    /// <summary>The histogram of working days to resolution (a Map), from which the median and p90 are read.</summary>
    public const string HistogramAggregate = $"sumMapIf(processing_wd_hist, {InBucket})";

    public const string HistogramState =
        "sumMapIf(map(toUInt16(least(assumeNotNull(processing_wd), 65535)), toUInt64(1)), ed >= bs AND ed <= be AND status = 'resolved' AND isNotNull(processing_wd))";

    // In progress and overdue at the end of the bucket: overdue from overdue_from until it ends or pauses.
    private const string OverdueAtEnd = "owp AND overdue_from <= be AND (isNull(ou) OR ou > be)";

    /// <summary>The dossier state with the per-dossier columns the State expressions use.</summary>
    public static string StateSource(string table) => $"""
        (SELECT *, toDate(received_at) AS rd, toDate(ended_at) AS ed, ifNull(toString(channel), '') AS ch,
                coalesce(toDate(ended_at), toDate(paused_since)) AS ou,
                isNotNull(overdue_from) AND (isNull(ou) OR overdue_from < ou) AS owp
         FROM {table} WHERE status != 'incomplete')
        """;
}

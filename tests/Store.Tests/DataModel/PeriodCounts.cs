using Dapper;

namespace ReformMetrics.Store.Tests.DataModel;

/// <summary>The flow and stock of a period for one province, read from the pre-aggregates the way the metric layer
/// will: flows are sums over the period's days, stocks are running sums of deltas up to a day.</summary>
public sealed record PeriodCounts(
    long CarriedOver, long ReceivedNew, long ResolvedEarly, long ResolvedOnTime, long ResolvedOverdue, long Withdrawn,
    long InProgress, long InProgressOverdue)
{
    public long ReceivedTotal => CarriedOver + ReceivedNew;

    public long ResolvedTotal => ResolvedEarly + ResolvedOnTime + ResolvedOverdue;

    public static async Task<PeriodCounts> ReadAsync(ClickHouseStore store, string table, int geo, string province, string from, string to)
    {
        var (day, provinceColumn) = (table == "kpi_monthly" ? "month" : "day", geo == 2025 ? "province_2025" : "province_2008");
        await using var connection = store.CreateConnection();
        return await connection.QuerySingleAsync<PeriodCounts>(
            $"""
            SELECT
                toInt64(sumIf(pending_delta, {day} < toDate(@from))) AS CarriedOver,
                toInt64(sumIf(received, {day} BETWEEN toDate(@from) AND toDate(@to))) AS ReceivedNew,
                toInt64(sumIf(resolved_early, {day} BETWEEN toDate(@from) AND toDate(@to))) AS ResolvedEarly,
                toInt64(sumIf(resolved_on_time, {day} BETWEEN toDate(@from) AND toDate(@to))) AS ResolvedOnTime,
                toInt64(sumIf(resolved_overdue, {day} BETWEEN toDate(@from) AND toDate(@to))) AS ResolvedOverdue,
                toInt64(sumIf(withdrawn, {day} BETWEEN toDate(@from) AND toDate(@to))) AS Withdrawn,
                toInt64(sumIf(pending_delta, {day} <= toDate(@to))) AS InProgress,
                toInt64(sumIf(pending_overdue_delta, {day} <= toDate(@to))) AS InProgressOverdue
            FROM {table}
            WHERE {provinceColumn} = @province
            """,
            new { from, to, province });
    }
}

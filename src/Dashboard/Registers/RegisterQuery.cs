using System.Globalization;
using Dapper;
using ReformMetrics.Metrics.Catalogue;
using ReformMetrics.Metrics.Periods;
using ReformMetrics.Store;

namespace ReformMetrics.Dashboard.Registers;

/// <summary>The items behind the task and feedback figures of one province (or the provinces a user may see): the task
/// register of the period's plan years, and the feedback received in the period. Statuses are as at the period's end,
/// by the rules of the metrics themselves (<see cref="TaskRegisterStatus"/>, <see cref="BaseMeasures.FeedbackResolvedBy"/>),
/// named as the catalogue labels the metric that counts them.</summary>
public sealed class RegisterQuery(ClickHouseStore store)
{
    public const int Limit = 500;

    private static readonly string[] StatusKeys = [.. TaskRegisterStatus.All];
    private static readonly string[] StatusLabels = [.. TaskRegisterStatus.All.Select(s => TaskRegisterStatus.Metric(s).Label)];
    private static readonly string Resolved = BaseMeasures.FeedbackResolvedBy("toDate(@end)");

    public async Task<IReadOnlyList<string[]>> TasksAsync(Period period, int geo, IReadOnlyList<string> provinces, CancellationToken cancellationToken)
    {
        await using var connection = store.CreateConnection();
        var rows = await connection.QueryAsync<(string Id, string Province, string Title, string Due, string Completed, string Status)>(new CommandDefinition($"""
            SELECT task_id, province_code, title, formatDateTime(due_date, '%d/%m/%Y'), ifNull(formatDateTime(completed_at, '%d/%m/%Y'), ''),
                   transform({TaskRegisterStatus.At("toDate(@end)")}, @status_keys, @status_labels, '')
            FROM v_tasks
            WHERE year BETWEEN @first AND @last AND {Province(geo)} IN @provinces
            ORDER BY due_date, task_id
            LIMIT {Limit}
            """, new { end = Day(period.End), first = (ushort)period.Start.Year, last = (ushort)period.End.Year, provinces = provinces.ToArray(),
                    status_keys = StatusKeys, status_labels = StatusLabels },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.Select(r => new[] { r.Id, r.Province, r.Title, r.Due, r.Completed, r.Status }).ToList();
    }

    public async Task<IReadOnlyList<string[]>> FeedbackAsync(Period period, int geo, IReadOnlyList<string> provinces, CancellationToken cancellationToken)
    {
        await using var connection = store.CreateConnection();
        var rows = await connection.QueryAsync<(string Id, string Province, string Sector, string Received, string Resolved, string Status)>(new CommandDefinition($"""
            SELECT feedback_id, {Province(geo)}, if(s.name = '', sector_code, s.name), formatDateTime(received_at, '%d/%m/%Y %H:%i'),
                   if({Resolved}, formatDateTime(resolved_at, '%d/%m/%Y %H:%i'), ''),
                   if({Resolved}, 'Đã xử lý', 'Đang xử lý')
            FROM v_feedback
            LEFT JOIN (SELECT toString(code) AS code, name_vi AS name FROM sectors) AS s ON s.code = v_feedback.sector_code
            WHERE toDate(received_at) BETWEEN toDate(@start) AND toDate(@end) AND {Province(geo)} IN @provinces
            ORDER BY received_at, feedback_id
            LIMIT {Limit}
            """, new { start = Day(period.Start), end = Day(period.End), provinces = provinces.ToArray() }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.Select(r => new[] { r.Id, r.Province, r.Sector, r.Received, r.Resolved, r.Status }).ToList();
    }

    private static string Province(int geo) => geo == 2008 ? "province_2008" : "province_2025";

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

namespace ReformMetrics.Metrics.Catalogue;

/// <summary>
/// The status of a task of the reform register (nhiệm vụ CCHC) as it stood at the end of a day: the one rule behind the
/// <c>tasks_*</c> metrics and the register page. A task counts as done only once its completion date has come; until then
/// it is in progress, overdue when its due date is before that day.
/// </summary>
public static class TaskRegisterStatus
{
    public const string DoneOnTime = "done_on_time";
    public const string DoneLate = "done_late";
    public const string DoneAwaitingConfirmation = "done_awaiting_confirmation";
    public const string InProgressOnTime = "in_progress_on_time";
    public const string InProgressOverdue = "in_progress_overdue";

    /// <summary>Every status, in the catalogue's order; the metric counting a status is <c>tasks_</c> + the status.</summary>
    public static readonly IReadOnlyList<string> All = [DoneOnTime, DoneLate, DoneAwaitingConfirmation, InProgressOnTime, InProgressOverdue];

    /// <summary>The status, over a row of v_tasks, at the end of <paramref name="day"/> (a SQL expression of type Date:
    /// a column or a query parameter, never a value written into the text).</summary>
    public static string At(string day) => $"""
        multiIf(status = 'awaiting_confirmation' AND ifNull(completed_at <= {day}, 0), '{DoneAwaitingConfirmation}',
                status = 'done' AND ifNull(completed_at <= {day}, 0) AND completed_at <= due_date, '{DoneOnTime}',
                status = 'done' AND ifNull(completed_at <= {day}, 0), '{DoneLate}',
                due_date < {day}, '{InProgressOverdue}', '{InProgressOnTime}')
        """;

    /// <summary>The metric that counts the tasks of a status.</summary>
    public static MetricDefinition Metric(string status) => MetricCatalogue.Get("tasks_" + status);
}

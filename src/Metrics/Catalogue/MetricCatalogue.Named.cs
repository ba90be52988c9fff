namespace ReformMetrics.Metrics.Catalogue;

// The metrics by name, for code that reads a particular one: a typo is a build error rather than a null at run time,
// and a renamed or removed key breaks the build where it is used. A new metric needs a name here only when code reads it. Properties (not fields) so that they read All
// whatever the order of static initialisation across the files of the class.
public static partial class MetricCatalogue
{
    public static MetricDefinition CarriedOver => Get("carried_over");

    public static MetricDefinition ReceivedNew => Get("received_new");

    public static MetricDefinition ReceivedOnline => Get("received_online");

    public static MetricDefinition ReceivedDirect => Get("received_direct");

    public static MetricDefinition ReceivedPostal => Get("received_postal");

    public static MetricDefinition ReceivedTotal => Get("received_total");

    public static MetricDefinition ResolvedTotal => Get("resolved_total");

    public static MetricDefinition ResolvedEarly => Get("resolved_early");

    public static MetricDefinition ResolvedOnTime => Get("resolved_on_time");

    public static MetricDefinition ResolvedOverdue => Get("resolved_overdue");

    public static MetricDefinition Withdrawn => Get("withdrawn");

    public static MetricDefinition InProgress => Get("in_progress");

    public static MetricDefinition InProgressWithinDeadline => Get("in_progress_within_deadline");

    public static MetricDefinition InProgressOverdue => Get("in_progress_overdue");

    public static MetricDefinition ApologizedOverdue => Get("apologized_overdue");

    public static MetricDefinition OnTimeRate => Get("on_time_rate");

    public static MetricDefinition OnTimeRateOfReceived => Get("on_time_rate_of_received");

    public static MetricDefinition EarlyRate => Get("early_rate");

    public static MetricDefinition OverdueRate => Get("overdue_rate");

    public static MetricDefinition OverdueRateOfReceived => Get("overdue_rate_of_received");

    public static MetricDefinition LateRate766 => Get("late_rate_766");

    public static MetricDefinition OnTimeRate766 => Get("on_time_rate_766");

    public static MetricDefinition ResolutionRate => Get("resolution_rate");

    public static MetricDefinition OnlineShare => Get("online_share");

    public static MetricDefinition PostalShare => Get("postal_share");

    public static MetricDefinition DirectShare => Get("direct_share");

    public static MetricDefinition OnlineShareEnabled => Get("online_share_enabled");

    public static MetricDefinition PostalReturnShare => Get("postal_return_share");

    public static MetricDefinition OnlinePaymentShare => Get("online_payment_share");

    public static MetricDefinition SatisfactionIndex => Get("satisfaction_index");

    public static MetricDefinition ApologyRate => Get("apology_rate");

    public static MetricDefinition ProcessingDaysMedian => Get("processing_days_median");

    public static MetricDefinition ProcessingDaysP90 => Get("processing_days_p90");

    public static MetricDefinition FeedbackReceived => Get("feedback_received");

    public static MetricDefinition FeedbackResolved => Get("feedback_resolved");

    public static MetricDefinition FeedbackResolutionRate => Get("feedback_resolution_rate");

    public static MetricDefinition FeedbackOnTimeRate => Get("feedback_on_time_rate");

    public static MetricDefinition TasksTotal => Get("tasks_total");

    public static MetricDefinition TasksDoneOnTime => Get("tasks_done_on_time");

    public static MetricDefinition TasksDoneLate => Get("tasks_done_late");

    public static MetricDefinition TasksDoneAwaitingConfirmation => Get("tasks_done_awaiting_confirmation");

    public static MetricDefinition TasksInProgressOnTime => Get("tasks_in_progress_on_time");

    public static MetricDefinition TasksInProgressOverdue => Get("tasks_in_progress_overdue");
}

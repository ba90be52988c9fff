// Generated from src/Metrics/Catalogue/MetricCatalogue.cs by ./reform docs; do not edit by hand.
namespace ReformMetrics.Ingest.Records;

/// <summary>The indicators a target may name: the rates of the metric catalogue.</summary>
public static class TargetIndicators
{
    public static readonly string[] All =
    [
        "on_time_rate",
        "on_time_rate_of_received",
        "early_rate",
        "overdue_rate",
        "overdue_rate_of_received",
        "late_rate_766",
        "on_time_rate_766",
        "resolution_rate",
        "online_share",
        "postal_share",
        "direct_share",
        "online_share_enabled",
        "postal_return_share",
        "online_payment_share",
        "satisfaction_index",
        "apology_rate",
        "feedback_resolution_rate",
        "feedback_on_time_rate",
    ];
}

using System.Globalization;
using ReformMetrics.Metrics.Query;

namespace ReformMetrics.Metrics.Catalogue;

/// <summary>How a metric's value and change are written for Vietnamese readers (1.234; 94,12%; +1,25 điểm), the same in
/// the CLI, the reports and the dashboard.</summary>
public static class MetricFormat
{
    public static readonly CultureInfo Vietnamese = CultureInfo.GetCultureInfo("vi-VN");

    /// <summary>"—" where the value is undefined (a zero denominator).</summary>
    public static string Value(MetricDefinition metric, double? value)
    {
        ArgumentNullException.ThrowIfNull(metric);
        return value switch
        {
            null => "—",
            { } v when metric.Unit == MetricUnit.Rate => Percent(v),
            { } v when metric.Unit == MetricUnit.WorkingDays => v.ToString("N1", Vietnamese),
            { } v => v.ToString("N0", Vietnamese),
        };
    }

    /// <summary>A rate's change in points (+1,25 điểm), a count's in percent (+12,0%).</summary>
    public static string Change(MetricDefinition metric, Change change)
    {
        ArgumentNullException.ThrowIfNull(metric);
        return metric.Unit == MetricUnit.Rate
            ? change.Difference is { } d ? (d * 100).ToString("+0.00;-0.00;0", Vietnamese) + " điểm" : "—"
            : change.Percent is { } p ? (p * 100).ToString("+0.0;-0.0;0", Vietnamese) + "%" : "—";
    }

    /// <summary>0.94123 → "94,12%".</summary>
    public static string Percent(double fraction) => (fraction * 100).ToString("N2", Vietnamese) + "%";

    /// <summary>270497 → "270.497".</summary>
    public static string Count(double value) => value.ToString("N0", Vietnamese);
}

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
            { } v when metric.Unit == MetricUnit.WorkingDays => Days(v),
            { } v => v.ToString("N0", Vietnamese),
        };
    }

    /// <summary>Working days: "2,5 ngày"; a time under a tenth of a day would print as a bare 0, which reads as missing
    /// data, so it is "trong ngày" (the dossier was resolved on the day it was received).</summary>
    public static string Days(double value) => value < 0.05 ? "trong ngày" : value.ToString("N1", Vietnamese) + " ngày";

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

    /// <summary>Vietnam's time zone (Asia/Ho_Chi_Minh: UTC+7, without daylight saving since 1975), from the system's time
    /// zone data, or the fixed offset where a machine has none.</summary>
    public static readonly TimeZoneInfo VietnamZone = TimeZoneInfo.TryFindSystemTimeZoneById("Asia/Ho_Chi_Minh", out var zone) ? zone
        : TimeZoneInfo.CreateCustomTimeZone("Asia/Ho_Chi_Minh", TimeSpan.FromHours(7), "Asia/Ho_Chi_Minh", "ICT");

    /// <summary>An instant in Vietnam time.</summary>
    public static DateTimeOffset InVietnam(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, VietnamZone);

    /// <summary>How fresh the figures are, as a page shows it: "Số liệu đến 14:05 03/12/2026" (Vietnam time; the minute is
    /// cut, not rounded, so the line never claims more than the watermark), or that they were never brought up to date.</summary>
    public static string AsOf(DateTimeOffset? dataAsOf) => dataAsOf is { } instant
        ? "Số liệu đến " + InVietnam(instant).ToString("HH:mm dd/MM/yyyy", CultureInfo.InvariantCulture)
        : "Số liệu chưa được tổng hợp lần nào";

    /// <summary>The same instant for machines: ISO 8601 in Vietnam time with its offset and the watermark's microseconds
    /// (2026-12-03T14:05:07.123456+07:00).</summary>
    public static string? AsOfIso(DateTimeOffset? dataAsOf) =>
        dataAsOf is { } instant ? InVietnam(instant).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffffzzz", CultureInfo.InvariantCulture) : null;
}

using ReformMetrics.Metrics.Periods;

namespace ReformMetrics.Reports;

/// <summary>
/// The days a periodic report covers. By default the cut-off window of the periodic reports of state administrative
/// bodies (report-form.md §4): from the 15th of the month before the period to the 14th of its last month, so that a
/// report can be compiled and sent in the days after the cut-off. On request, the calendar period itself (the
/// dashboard's and the national portal's reading). Date ranges and year-to-date periods are taken as given.
/// </summary>
public static class ReportingWindow
{
    public const int CutoffDay = 15;

    /// <summary>The period a report of <paramref name="period"/> covers: its official window unless
    /// <paramref name="calendar"/>, or a cut-off day of the user's own (<paramref name="cutoff"/>).</summary>
    public static Period For(Period period, bool calendar = false, int? cutoff = null)
    {
        ArgumentNullException.ThrowIfNull(period);
        if (calendar && cutoff is not null)
        {
            throw new PeriodException("Chọn kỳ dương lịch hoặc một ngày chốt số liệu, không chọn cả hai.");
        }

        if (cutoff is { } day)
        {
            return period.WithCutoff(day);
        }

        return calendar || !Applies(period) ? period : period.WithCutoff(CutoffDay);
    }

    /// <summary>Whether <paramref name="period"/> has an official window: a month, quarter, half-year, nine months or year.</summary>
    public static bool Applies(Period period)
    {
        ArgumentNullException.ThrowIfNull(period);
        return period.CutoffDay is null && period.IsWholeMonths
            && period.Kind is PeriodKind.Month or PeriodKind.Quarter or PeriodKind.HalfYear or PeriodKind.NineMonths or PeriodKind.Year;
    }
}

using System.Globalization;
using System.Text.RegularExpressions;

namespace ReformMetrics.Metrics.Periods;

public enum PeriodKind
{
    Month,
    Quarter,
    HalfYear,
    NineMonths,
    Year,
    YearToDate,
    Range,
}

/// <summary>
/// A reporting period: whole days from <see cref="Start"/> to <see cref="End"/> inclusive, in Vietnam time. Written as
/// in the design: 2024-09, 2024-Q3, 2024-H1 (or H2), 2024-9M (January to September), 2024, 2024-YTD (January to today,
/// or to the end of the year when it is over) or D..D.
/// </summary>
public sealed partial record Period(PeriodKind Kind, DateOnly Start, DateOnly End)
{
    /// <summary>The cut-off day of an official reporting window (see <see cref="WithCutoff"/>), or null.</summary>
    public int? CutoffDay { get; init; }

    /// <summary>The calendar period a cut-off window reports on (September 2024 for 15/08–14/09/2024).</summary>
    public Period Nominal => CutoffDay is null ? this
        : new Period(Kind, new DateOnly(Start.AddMonths(1).Year, Start.AddMonths(1).Month, 1), new DateOnly(End.Year, End.Month, 1).AddMonths(1).AddDays(-1));

    public static Period Month(int year, int month) => new(PeriodKind.Month, new DateOnly(year, month, 1), new DateOnly(year, month, 1).AddMonths(1).AddDays(-1));

    public static Period Quarter(int year, int quarter) =>
        new(PeriodKind.Quarter, new DateOnly(year, quarter * 3 - 2, 1), new DateOnly(year, quarter * 3 - 2, 1).AddMonths(3).AddDays(-1));

    /// <summary>The last quarter that has ended by <paramref name="day"/> (the current one when it ends that day).</summary>
    public static Period LastFullQuarter(DateOnly day)
    {
        var quarter = Quarter(day.Year, (day.Month + 2) / 3);
        return quarter.End > day ? quarter.Previous() : quarter;
    }

    public static Period Year(int year) => new(PeriodKind.Year, new DateOnly(year, 1, 1), new DateOnly(year, 12, 31));

    public static Period Range(DateOnly start, DateOnly end) =>
        end >= start ? new(PeriodKind.Range, start, end) : throw new PeriodException($"Ngày cuối {end:dd/MM/yyyy} trước ngày đầu {start:dd/MM/yyyy}.");

    public int Days => End.DayNumber - Start.DayNumber + 1;

    /// <summary>Whether both ends fall on month boundaries, so monthly aggregates can answer.</summary>
    public bool IsWholeMonths => Start.Day == 1 && End.AddDays(1).Day == 1;

    /// <summary>The period just before: the previous month, quarter, half-year, the same span of a year earlier for
    /// 9M, YTD and years, or the same number of days just before a custom range.</summary>
    public Period Previous() => CutoffDay is { } day ? Nominal.Previous().WithCutoff(day) : Kind switch
    {
        PeriodKind.Month => Month(Start.AddMonths(-1).Year, Start.AddMonths(-1).Month),
        PeriodKind.Quarter => Quarter(Start.AddMonths(-3).Year, (Start.AddMonths(-3).Month + 2) / 3),
        PeriodKind.HalfYear => new(PeriodKind.HalfYear, Start.AddMonths(-6), Start.AddDays(-1)),
        PeriodKind.NineMonths or PeriodKind.Year or PeriodKind.YearToDate => YearEarlier(),
        _ => new(PeriodKind.Range, Start.AddDays(-Days), Start.AddDays(-1)),
    };

    /// <summary>The same period one year earlier (29 February becomes 28 February).</summary>
    public Period YearEarlier() => CutoffDay is { } day ? Nominal.YearEarlier().WithCutoff(day)
        : this with { Start = Start.AddYears(-1), End = EndOfMonthKept(End, End.AddYears(-1)) };

    /// <summary>
    /// The official reporting window of the period with a cut-off day (report-form.md §4): with 15, a month runs from the
    /// 15th of the month before to the 14th (September 2024: 15/08–14/09), a quarter from the 15th of the month before it
    /// to the 14th of its last month, a year from 15/12 of the year before to 14/12. The label stays the period's.
    /// </summary>
    public Period WithCutoff(int day)
    {
        if (day is < 2 or > 28)
        {
            throw new PeriodException($"Ngày chốt số liệu {day} không hợp lệ; dùng từ 2 đến 28 (thường là 15).");
        }

        if (Kind is PeriodKind.Range or PeriodKind.YearToDate || CutoffDay is not null || !IsWholeMonths)
        {
            throw new PeriodException("Ngày chốt số liệu chỉ áp dụng cho kỳ tháng, quý, 6 tháng, 9 tháng hoặc năm.");
        }

        var before = Start.AddMonths(-1);
        return this with { Start = new DateOnly(before.Year, before.Month, day), End = new DateOnly(End.Year, End.Month, day - 1), CutoffDay = day };
    }

    /// <summary>The months of the period, each cut to the period.</summary>
    public IEnumerable<Period> Months() => Split(d => d.AddMonths(1), d => new DateOnly(d.Year, d.Month, 1), PeriodKind.Month);

    /// <summary>The quarters of the period, each cut to the period.</summary>
    public IEnumerable<Period> Quarters() =>
        Split(d => d.AddMonths(3), d => new DateOnly(d.Year, (d.Month - 1) / 3 * 3 + 1, 1), PeriodKind.Quarter);

    /// <summary>The label of a bucket of a grouping by month or quarter: 2025-03, 2025-Q1.</summary>
    public string Key => CutoffDay is not null ? Nominal.Key : Kind switch
    {
        PeriodKind.Month => Start.ToString("yyyy-MM", CultureInfo.InvariantCulture),
        PeriodKind.Quarter => string.Create(CultureInfo.InvariantCulture, $"{Start.Year}-Q{(Start.Month + 2) / 3}"),
        PeriodKind.HalfYear => string.Create(CultureInfo.InvariantCulture, $"{Start.Year}-H{(Start.Month + 5) / 6}"),
        PeriodKind.NineMonths => string.Create(CultureInfo.InvariantCulture, $"{Start.Year}-9M"),
        PeriodKind.Year => Start.Year.ToString(CultureInfo.InvariantCulture),
        _ => string.Create(CultureInfo.InvariantCulture, $"{Start:yyyy-MM-dd}..{End:yyyy-MM-dd}"),
    };

    /// <summary>How a Vietnamese report names the period: Tháng 9/2024, Quý III/2024, 6 tháng đầu năm 2024, ...</summary>
    public string Label => CutoffDay is not null ? Nominal.Label : Kind switch
    {
        PeriodKind.Month => $"Tháng {Start.Month}/{Start.Year}",
        PeriodKind.Quarter => $"Quý {Roman((Start.Month + 2) / 3)}/{Start.Year}",
        PeriodKind.HalfYear => Start.Month == 1 ? $"6 tháng đầu năm {Start.Year}" : $"6 tháng cuối năm {Start.Year}",
        PeriodKind.NineMonths => $"9 tháng năm {Start.Year}",
        PeriodKind.Year => $"Năm {Start.Year}",
        PeriodKind.YearToDate => $"Từ đầu năm {Start.Year} đến {End:dd/MM/yyyy}",
        _ => $"Từ {Start:dd/MM/yyyy} đến {End:dd/MM/yyyy}",
    };

    public static Period Parse(string text, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim();
        if (RangePattern().Match(t) is { Success: true } range)
        {
            return Range(Date(range.Groups[1].Value), Date(range.Groups[2].Value));
        }

        var match = PeriodPattern().Match(t);
        if (!match.Success)
        {
            throw new PeriodException($"Kỳ \"{text}\" không hợp lệ; dùng 2024-09, 2024-Q3, 2024-H1, 2024-9M, 2024, 2024-YTD hoặc 2024-01-01..2024-03-31.");
        }

        var year = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var part = match.Groups[2].Value.ToUpperInvariant();
        return part switch
        {
            "" => Year(year),
            "9M" => new Period(PeriodKind.NineMonths, new DateOnly(year, 1, 1), new DateOnly(year, 9, 30)),
            "H1" => new Period(PeriodKind.HalfYear, new DateOnly(year, 1, 1), new DateOnly(year, 6, 30)),
            "H2" => new Period(PeriodKind.HalfYear, new DateOnly(year, 7, 1), new DateOnly(year, 12, 31)),
            "YTD" => new Period(PeriodKind.YearToDate, new DateOnly(year, 1, 1), today.Year == year ? today : new DateOnly(year, 12, 31)),
            ['Q', var q] when q is >= '1' and <= '4' => Quarter(year, q - '0'),
            _ when int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var month) && month is >= 1 and <= 12 => Month(year, month),
            _ => throw new PeriodException($"Kỳ \"{text}\" không hợp lệ: tháng từ 01 đến 12, quý Q1 đến Q4, nửa năm H1 hoặc H2."),
        };
    }

    private IEnumerable<Period> Split(Func<DateOnly, DateOnly> next, Func<DateOnly, DateOnly> floor, PeriodKind kind)
    {
        for (var start = floor(Start); start <= End; start = next(start))
        {
            var end = next(start).AddDays(-1);
            yield return new Period(kind, start < Start ? Start : start, end > End ? End : end);
        }
    }

    private static DateOnly EndOfMonthKept(DateOnly original, DateOnly shifted) =>
        original.AddDays(1).Day == 1 ? new DateOnly(shifted.Year, shifted.Month, 1).AddMonths(1).AddDays(-1) : shifted;

    private static DateOnly Date(string text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d
            : throw new PeriodException($"\"{text}\" không phải ngày dạng yyyy-MM-dd.");

    private static string Roman(int n) => n switch { 1 => "I", 2 => "II", 3 => "III", _ => "IV" };

    [GeneratedRegex(@"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")]
    private static partial Regex RangePattern();

    [GeneratedRegex(@"^(\d{4})(?:-(\d{1,2}|[Qq][1-4]|[Hh][12]|9[Mm]|[Yy][Tt][Dd]))?$")]
    private static partial Regex PeriodPattern();
}

public sealed class PeriodException(string message) : Exception(message);

namespace ReformMetrics.Store.Calendar;

/// <summary>One row of the holidays table (sql/seed/holidays.csv).</summary>
public sealed record Holiday(DateOnly Day, HolidayKind Kind)
{
    public static HolidayKind ParseKind(string kind) => kind switch
    {
        "holiday" => HolidayKind.Holiday,
        "compensatory" => HolidayKind.Compensatory,
        "swap_off" => HolidayKind.SwapOff,
        "swap_workday" => HolidayKind.SwapWorkday,
        _ => throw new FormatException($"Unknown holiday kind \"{kind}\""),
    };
}

public enum HolidayKind
{
    /// <summary>A public holiday (Labour Code art. 112), whatever day of the week it falls on.</summary>
    Holiday,

    /// <summary>A make-up day off for a holiday that fell on a weekend.</summary>
    Compensatory,

    /// <summary>A weekday the government moved to a day off.</summary>
    SwapOff,

    /// <summary>A weekend day worked in exchange for a swapped day off.</summary>
    SwapWorkday,
}

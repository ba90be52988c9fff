using Dapper;
using ReformMetrics.Store.Calendar;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Store.Tests.Calendar;

/// <summary>The working-day calendar in C# and in SQL, on hand-checked days and on every day of 2015-2030.</summary>
public sealed class WorkingCalendarTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private static readonly int[] Steps = [0, 1, 2, 3, 5, 10, 15, 20, 30];

    [Theory]
    // Tết 2025: Mon 27 – Fri 31 January off (Thông báo 6150/TB-LĐTBXH).
    [InlineData("2025-01-24", 3, "2025-02-05")]
    [InlineData("2025-01-25", 1, "2025-02-03")] // Saturday before Tết: counting starts on the next working day
    [InlineData("2025-01-29", 0, "2025-02-03")] // a holiday with n = 0 moves to the next working day
    [InlineData("2025-01-24", 0, "2025-01-24")]
    // 2025 swap: Saturday 26 April worked, Friday 2 May off; 30/4 and 1/5 holidays.
    [InlineData("2025-04-25", 1, "2025-04-26")]
    [InlineData("2025-04-29", 1, "2025-05-05")]
    // National Day 2025: Mon 1 and Tue 2 September.
    [InlineData("2025-08-29", 2, "2025-09-04")]
    // An ordinary week.
    [InlineData("2025-03-03", 3, "2025-03-06")]
    [InlineData("2025-03-07", 1, "2025-03-10")]
    public async Task Adds_working_days_as_the_offices_count_them(string start, int n, string expected)
    {
        var calendar = await WorkingCalendar.LoadAsync(database.Store, TestContext.Current.CancellationToken);

        Assert.Equal(DateOnly.Parse(expected, System.Globalization.CultureInfo.InvariantCulture),
            calendar.AddWorkingDays(DateOnly.Parse(start, System.Globalization.CultureInfo.InvariantCulture), n));
        Assert.Equal(expected, await SqlAsync<string>($"toString(reform_add_working_days(toDate('{start}'), {n}, cal))"));
    }

    [Theory]
    [InlineData("2025-03-03 09:00", "2025-03-05 16:00", 2)]  // Monday to Wednesday: Monday and Tuesday
    [InlineData("2025-01-24 10:00", "2025-02-04 10:00", 2)]  // across Tết: Friday 24 and Monday 3 February
    [InlineData("2025-03-08 10:00", "2025-03-10 10:00", 0)]  // Saturday to Monday
    [InlineData("2025-03-10 10:00", "2025-03-07 10:00", -1)] // backwards
    public async Task Counts_working_days_between_two_times(string from, string to, int expected)
    {
        var calendar = await WorkingCalendar.LoadAsync(database.Store, TestContext.Current.CancellationToken);
        var culture = System.Globalization.CultureInfo.InvariantCulture;

        Assert.Equal(expected, calendar.WorkingDaysBetween(DateTime.Parse(from, culture), DateTime.Parse(to, culture)));
        Assert.Equal(expected, await SqlAsync<long>($"reform_working_days_between(toDateTime('{from}:00'), toDateTime('{to}:00'), cal)"));
    }

    [Fact]
    public async Task Sql_and_csharp_agree_on_every_day_of_2015_to_2030()
    {
        var calendar = await WorkingCalendar.LoadAsync(database.Store, TestContext.Current.CancellationToken);
        await using var connection = database.Store.CreateConnection();
        var steps = string.Join(", ", Steps.Select(n => $"toString(reform_add_working_days(day, {n}, cal))"));
        var rows = (await connection.QueryAsync<(string Day, byte Working, long Index, long NextWeek, string Added)>(
            $"""
            WITH (SELECT cal FROM v_calendar) AS cal
            SELECT toString(day), reform_is_working(day, cal), reform_wd_index(day, cal),
                   ifNull(reform_working_days_between(day, day + 7, cal), -999),
                   arrayStringConcat(arrayMap(x -> ifNull(x, ''), [{steps}]), ',')
            FROM calendar ORDER BY day
            """)).ToList();

        Assert.Equal(WorkingCalendar.Last.DayNumber - WorkingCalendar.First.DayNumber + 1, rows.Count);
        var mismatches = new List<string>();
        foreach (var row in rows)
        {
            var day = DateOnly.ParseExact(row.Day, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            var expectedAdded = string.Join(',', Steps.Select(n => Added(calendar, day, n)));
            var expectedNextWeek = day.AddDays(7) <= WorkingCalendar.Last
                ? calendar.WorkingDaysBetween(day.ToDateTime(TimeOnly.MinValue), day.AddDays(7).ToDateTime(TimeOnly.MinValue))
                : -999;
            if (row.Working != (calendar.IsWorkingDay(day) ? 1 : 0) || row.Index != calendar.WorkingDayIndex(day)
                || row.NextWeek != expectedNextWeek || row.Added != expectedAdded)
            {
                mismatches.Add($"{day}: sql ({row.Working}, {row.Index}, {row.NextWeek}, {row.Added}) c# ({calendar.IsWorkingDay(day)}, {calendar.WorkingDayIndex(day)}, {expectedNextWeek}, {expectedAdded})");
            }
        }

        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches.Take(5)));
    }

    [Theory]
    [InlineData(2015, 250)]
    [InlineData(2020, 252)]
    [InlineData(2025, 250)] // 261 weekdays - 12 weekdays off (11 statutory days incl. 2 on 1-2/9, + swap 2/5) + Saturday 26/4
    [InlineData(2026, 249)]
    public async Task Each_year_has_the_working_days_its_notices_give(int year, int expected)
    {
        var calendar = await WorkingCalendar.LoadAsync(database.Store, TestContext.Current.CancellationToken);
        var days = Enumerable.Range(0, DateTime.IsLeapYear(year) ? 366 : 365).Select(i => new DateOnly(year, 1, 1).AddDays(i));

        Assert.Equal(expected, days.Count(calendar.IsWorkingDay));
        Assert.Equal((ulong)expected, await SqlAsync<ulong>($"(SELECT count() FROM calendar WHERE toYear(day) = {year} AND is_working)"));
    }

    [Fact]
    public async Task The_holiday_seed_has_one_row_per_day_and_every_swap_has_its_workday()
    {
        await using var connection = database.Store.CreateConnection();

        Assert.Empty(await connection.QueryAsync<string>("SELECT toString(day) FROM holidays GROUP BY day HAVING count() > 1"));
        var swaps = (await connection.QueryAsync<(string Kind, ulong Count)>(
            "SELECT toString(kind), count() FROM holidays WHERE kind IN ('swap_off', 'swap_workday') GROUP BY kind ORDER BY kind")).ToList();
        Assert.Equal(swaps[0].Count, swaps[1].Count);
        Assert.Empty(await connection.QueryAsync<string>(
            "SELECT toString(day) FROM holidays WHERE (kind = 'swap_workday' AND toDayOfWeek(day) < 6) OR (kind = 'swap_off' AND toDayOfWeek(day) >= 6)"));
    }

    [Fact]
    public async Task Outside_the_calendar_SQL_answers_null_and_csharp_refuses()
    {
        var calendar = await WorkingCalendar.LoadAsync(database.Store, TestContext.Current.CancellationToken);

        Assert.Throws<ArgumentOutOfRangeException>(() => calendar.IsWorkingDay(new DateOnly(2031, 1, 2)));
        Assert.Equal("NULL", await SqlAsync<string>("ifNull(toString(reform_wd_index(toDate('2031-01-02'), cal)), 'NULL')"));
        Assert.Equal("NULL", await SqlAsync<string>("ifNull(toString(reform_add_working_days(toDate('2030-12-30'), 5, cal)), 'NULL')"));
    }

    private static string Added(WorkingCalendar calendar, DateOnly day, int n)
    {
        try
        {
            return calendar.AddWorkingDays(day, n).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (ArgumentOutOfRangeException)
        {
            return string.Empty; // SQL gives NULL, printed as an empty string
        }
    }

    private async Task<T> SqlAsync<T>(string expression)
    {
        await using var connection = database.Store.CreateConnection();
        return (await connection.ExecuteScalarAsync<T>($"WITH (SELECT cal FROM v_calendar) AS cal SELECT {expression}"))!;
    }
}

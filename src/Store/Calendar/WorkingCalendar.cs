using System.Globalization;
using Dapper;
using ReformMetrics.Store.Reference;

namespace ReformMetrics.Store.Calendar;

/// <summary>
/// Working days of Vietnamese government offices: Monday to Friday, less public holidays, their compensatory
/// days and swapped days off, plus weekend days worked in a swap. Built from the same holidays table as the
/// SQL calendar (reform_* functions) and defined the same way, so both agree on every day of 2015-2030.
/// </summary>
public sealed class WorkingCalendar
{
    public static readonly DateOnly First = new(2015, 1, 1);
    public static readonly DateOnly Last = new(2030, 12, 31);

    private readonly bool[] _working;
    private readonly int[] _index;
    private readonly List<DateOnly> _workdays = [];

    public WorkingCalendar(IEnumerable<Holiday> holidays)
    {
        ArgumentNullException.ThrowIfNull(holidays);
        var byDay = holidays.ToDictionary(h => h.Day, h => h.Kind);
        var days = Last.DayNumber - First.DayNumber + 1;
        _working = new bool[days];
        _index = new int[days];
        var count = 0;
        for (var i = 0; i < days; i++)
        {
            var day = First.AddDays(i);
            _working[i] = byDay.TryGetValue(day, out var kind)
                ? kind == HolidayKind.SwapWorkday
                : day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);
            _index[i] = count;
            if (_working[i])
            {
                _workdays.Add(day);
                count++;
            }
        }
    }

    /// <summary>Reads the holidays table of the store's database.</summary>
    public static async Task<WorkingCalendar> LoadAsync(ClickHouseStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        await using var connection = store.CreateConnection();
        var rows = await connection.QueryAsync<(DateTime Day, string Kind)>(new CommandDefinition(
            "SELECT day, toString(kind) FROM holidays", cancellationToken: cancellationToken)).ConfigureAwait(false);
        return new WorkingCalendar(rows.Select(r => new Holiday(DateOnly.FromDateTime(r.Day), Holiday.ParseKind(r.Kind))));
    }

    /// <summary>The calendar of the embedded holidays seed (sql/seed/holidays.csv): what a fresh store loads.</summary>
    public static WorkingCalendar FromSeed() =>
        new(SeedFile.ReadRows("holidays.csv").Select(r => new Holiday(DateOnly.ParseExact(r["day"], "yyyy-MM-dd", CultureInfo.InvariantCulture), Holiday.ParseKind(r["kind"]))));

    public bool IsWorkingDay(DateOnly day) => _working[Position(day)];

    /// <summary>Working days before <paramref name="day"/>, counted from 2015-01-01.</summary>
    public int WorkingDayIndex(DateOnly day) => _index[Position(day)];

    /// <summary>The working day whose <see cref="WorkingDayIndex"/> is <paramref name="index"/>.</summary>
    public DateOnly WorkdayAt(int index) => _workdays[index];

    /// <summary>The working days in [date of a, date of b); negative when b is before a. Times of day do not count.</summary>
    public int WorkingDaysBetween(DateTime a, DateTime b) =>
        WorkingDayIndex(DateOnly.FromDateTime(b)) - WorkingDayIndex(DateOnly.FromDateTime(a));

    /// <summary>The date n working days after <paramref name="day"/>; counting starts on the next working day when
    /// <paramref name="day"/> is not one (received on Saturday, 1 working day: due Monday).</summary>
    public DateOnly AddWorkingDays(DateOnly day, int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        var target = WorkingDayIndex(day) + Math.Max(n - (IsWorkingDay(day) ? 0 : 1), 0);
        return target < _workdays.Count
            ? _workdays[target]
            : throw new ArgumentOutOfRangeException(nameof(n), $"{n} working days after {day} fall beyond {Last}");
    }

    /// <summary>Moves a deadline by n working days, keeping its time of day; n = 0 leaves it unchanged.</summary>
    public DateTime AddWorkingDays(DateTime at, int n) =>
        n == 0 ? at : AddWorkingDays(DateOnly.FromDateTime(at), n).ToDateTime(TimeOnly.FromTimeSpan(at.TimeOfDay), at.Kind);

    private static int Position(DateOnly day) =>
        day >= First && day <= Last
            ? day.DayNumber - First.DayNumber
            : throw new ArgumentOutOfRangeException(nameof(day), $"{day} is outside the calendar ({First}..{Last})");
}

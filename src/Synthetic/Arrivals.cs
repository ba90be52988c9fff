using System.Globalization;
using ReformMetrics.Store.Calendar;
using ReformMetrics.Store.Reference;
using P = ReformMetrics.Synthetic.Parameters.GeneratorParameters;

namespace ReformMetrics.Synthetic;

/// <summary>How many dossiers each province receives each day. Every (day, province) cell gets a weight (working
/// day or not, the dip after Tết, the December peak, yearly growth, population, a little jitter); cumulative
/// rounding then hands out exactly N dossiers, each with a global ordinal that seeds its own random stream.</summary>
internal sealed class Arrivals
{
    private readonly ulong _seed;
    private readonly Geography _geography;
    private readonly WorkingCalendar _calendar;
    private readonly HashSet<DateOnly> _afterTet;
    private readonly long _dossiers;
    private readonly double _totalWeight;
    private double _cumulative;
    private long _handedOut;

    public Arrivals(ulong seed, Geography geography, WorkingCalendar calendar, DateOnly from, DateOnly to, long dossiers)
    {
        _seed = seed;
        _geography = geography;
        _calendar = calendar;
        _dossiers = dossiers;
        _afterTet = AfterTet(calendar);
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            foreach (var province in geography.InForce(day))
            {
                _totalWeight += Weight(day, province);
            }
        }
    }

    /// <summary>The cells of one day, in province order: (province, first ordinal, count). Call for consecutive days.</summary>
    public IEnumerable<(SyntheticProvince Province, long FirstOrdinal, int Count)> Day(DateOnly day)
    {
        foreach (var province in _geography.InForce(day))
        {
            _cumulative += Weight(day, province);
            var upTo = Math.Min(_dossiers, (long)Math.Floor(_dossiers * (_cumulative / _totalWeight) + 1e-9));
            var count = (int)(upTo - _handedOut);
            yield return (province, _handedOut, count);
            _handedOut = upTo;
        }
    }

    /// <summary>Dossiers handed out so far; equals N once the last day is done (rounding never loses one).</summary>
    public long HandedOut => _handedOut;

    public void Finish() => _handedOut = _dossiers;

    private double Weight(DateOnly day, SyntheticProvince province)
    {
        var weight = _calendar.IsWorkingDay(day) ? 1.0 : P.NonWorkingDayWeight;
        weight *= day.Month switch { 12 => P.DecemberWeight, 1 => P.JanuaryWeight, _ => 1.0 };
        if (_afterTet.Contains(day))
        {
            weight *= P.AfterTetWeight;
        }

        weight *= Math.Pow(1 + P.YearlyGrowth, day.Year - 2024);
        var jitter = new Rng(Rng.Mix(_seed, (ulong)day.DayNumber * 1000 + ulong.Parse(province.Code, CultureInfo.InvariantCulture)));
        return weight * province.Population * (1 + P.CellJitter * (2 * jitter.NextDouble() - 1));
    }

    /// <summary>The first working days after each Tết holiday, when offices restart slowly.</summary>
    private static HashSet<DateOnly> AfterTet(WorkingCalendar calendar)
    {
        var days = new HashSet<DateOnly>();
        var tet = SeedFile.ReadRows("holidays.csv")
            .Where(r => r["name_vi"].StartsWith("Tết Nguyên", StringComparison.Ordinal))
            .Select(r => DateOnly.ParseExact(r["day"], "yyyy-MM-dd", CultureInfo.InvariantCulture))
            .GroupBy(d => d.Year)
            .Select(g => g.Max());
        foreach (var last in tet.Where(d => d < WorkingCalendar.Last.AddDays(-30)))
        {
            var first = calendar.WorkingDayIndex(last.AddDays(1));
            for (var i = 0; i < P.AfterTetWorkingDays; i++)
            {
                days.Add(calendar.WorkdayAt(first + i));
            }
        }

        return days;
    }
}

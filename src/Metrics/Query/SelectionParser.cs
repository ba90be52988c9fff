using ReformMetrics.Metrics.Periods;

namespace ReformMetrics.Metrics.Query;

/// <summary>Builds a selection from the strings of a command line or a query string (the same words in both), with
/// Vietnamese messages that name the option at fault.</summary>
public static class SelectionParser
{
    public sealed record Input(
        string? From = null, string? To = null, string? Period = null, string? Geo = null, IReadOnlyList<string>? By = null,
        IReadOnlyList<string>? Provinces = null, IReadOnlyList<string>? Sectors = null, IReadOnlyList<string>? Levels = null,
        IReadOnlyList<string>? Agencies = null, IReadOnlyList<string>? Procedures = null, IReadOnlyList<string>? Channels = null,
        string? Source = null);

    public static Selection Parse(Input input, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(input);
        Period period;
        try
        {
            period = (input.Period, input.From, input.To) switch
            {
                ({ Length: > 0 } p, null, null) => Periods.Period.Parse(p, today),
                (null, { } f, { } t) => Periods.Period.Parse($"{f}..{t}", today),
                (null, null, null) => throw new SelectionException("Cần from và to, hoặc period."),
                (null, _, _) => throw new SelectionException("Cần cả from và to."),
                _ => throw new SelectionException("Dùng period hoặc from/to, không dùng cả hai."),
            };
        }
        catch (PeriodException ex)
        {
            throw new SelectionException(ex.Message);
        }

        var dimensions = new List<Dimension>();
        var grain = TimeGrain.None;
        foreach (var g in Values(input.By))
        {
            if (g is "month" or "quarter")
            {
                grain = g == "month" ? TimeGrain.Month : TimeGrain.Quarter;
            }
            else if (Enum.GetValues<Dimension>().FirstOrDefault(d => Selection.KeyName(d) == g) is var d && Selection.KeyName(d) == g)
            {
                dimensions.Add(d);
            }
            else
            {
                throw new SelectionException($"by \"{g}\" không hợp lệ; dùng province, sector, agency, level, procedure, channel, month hoặc quarter.");
            }
        }

        return new Selection
        {
            Period = period,
            Geo = (input.Geo ?? "2025") switch
            {
                "2025" => 2025,
                "2008" => 2008,
                var other => throw new SelectionException($"geo \"{other}\" không hợp lệ; dùng 2025 (34 tỉnh, thành phố) hoặc 2008 (63 tỉnh, thành phố)."),
            },
            GroupBy = dimensions.Distinct().ToList(),
            Grain = grain,
            Provinces = Codes("province", input.Provinces),
            Sectors = Codes("sector", input.Sectors),
            Levels = Codes("level", input.Levels),
            Agencies = Codes("agency", input.Agencies),
            Procedures = Codes("procedure", input.Procedures),
            Channels = Codes("channel", input.Channels),
            Source = (input.Source ?? "auto") switch
            {
                "auto" => KpiSource.Auto,
                "monthly" => KpiSource.Monthly,
                "daily" => KpiSource.Daily,
                "state" => KpiSource.DossierState,
                "live" => KpiSource.LiveEvents,
                var other => throw new SelectionException($"source \"{other}\" không hợp lệ; dùng auto, monthly, daily, state hoặc live."),
            },
        };
    }

    /// <summary>The longest code a filter takes: the longest the event contract allows (ingestion's MaxCodeLength).</summary>
    public const int MaxCodeLength = 50;

    /// <summary>The most codes one filter takes: every unit of the 2008 geography with its post-merger codes fits.</summary>
    public const int MaxCodes = 100;

    /// <summary>The codes of one filter (<see cref="Values"/>), each of the form the event contract allows: at most
    /// <see cref="MaxCodeLength"/> characters, none a control character; at most <see cref="MaxCodes"/> of them.</summary>
    public static List<string> Codes(string parameter, IEnumerable<string>? values)
    {
        var codes = Values(values);
        if (codes.Count > MaxCodes)
        {
            throw new SelectionException($"{parameter}: tối đa {MaxCodes} mã, không phải {codes.Count}.");
        }

        foreach (var code in codes)
        {
            if (code.Length > MaxCodeLength)
            {
                throw new SelectionException($"{parameter}: mã \"{code[..20]}…\" dài {code.Length} ký tự, không được quá {MaxCodeLength}.");
            }

            if (code.Any(char.IsControl))
            {
                throw new SelectionException($"{parameter}: mã \"{string.Concat(code.Where(c => !char.IsControl(c)))}\" chứa ký tự điều khiển, không hợp lệ.");
            }
        }

        return codes;
    }

    /// <summary>Values given as repeated options or comma-separated lists, trimmed, without repeats.</summary>
    public static List<string> Values(IEnumerable<string>? values) =>
        (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct(StringComparer.Ordinal).ToList();

    public static DateOnly TodayInVietnam(TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(TimeSpan.FromHours(7)).DateTime);
    }
}

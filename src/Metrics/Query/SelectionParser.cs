using ReformMetrics.Metrics.Catalogue;
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
        string? Source = null)
    {
        /// <summary>The input under the words of <see cref="SelectionWords"/>, from whatever holds them: a query string,
        /// a command line. A word that takes one value and is given several is an error naming it.</summary>
        public static Input Read(Func<string, IReadOnlyList<string>> values)
        {
            ArgumentNullException.ThrowIfNull(values);
            string? One(string word) => values(word).Where(v => !string.IsNullOrWhiteSpace(v)).ToList() switch
            {
                [] => null,
                [var single] => single.Trim(),
                var many => throw new SelectionException($"{word}: chỉ nhận một giá trị, không phải {many.Count}."),
            };
            IReadOnlyList<string>? Many(string word) => values(word).Where(v => !string.IsNullOrWhiteSpace(v)).ToList() is { Count: > 0 } given ? given : null;
            return new Input(
                One(SelectionWords.From), One(SelectionWords.To), One(SelectionWords.Period), One(SelectionWords.Geo), Many(SelectionWords.By),
                Many(SelectionWords.Province), Many(SelectionWords.Sector), Many(SelectionWords.Level), Many(SelectionWords.Agency),
                Many(SelectionWords.Procedure), Many(SelectionWords.Channel), One(SelectionWords.Source));
        }

        /// <summary>This input, refused when it uses a word other than <paramref name="words"/>: a page that cannot filter
        /// by a word says so rather than show unfiltered figures.</summary>
        public Input Allow(params string[] words)
        {
            ArgumentNullException.ThrowIfNull(words);
            (string Word, bool Given)[] given =
            [
                (SelectionWords.From, From is not null), (SelectionWords.To, To is not null), (SelectionWords.Period, Period is not null),
                (SelectionWords.Geo, Geo is not null), (SelectionWords.By, By is { Count: > 0 }), (SelectionWords.Province, Provinces is { Count: > 0 }),
                (SelectionWords.Sector, Sectors is { Count: > 0 }), (SelectionWords.Level, Levels is { Count: > 0 }), (SelectionWords.Agency, Agencies is { Count: > 0 }),
                (SelectionWords.Procedure, Procedures is { Count: > 0 }), (SelectionWords.Channel, Channels is { Count: > 0 }), (SelectionWords.Source, Source is not null),
            ];
            foreach (var (word, _) in given.Where(g => g.Given && !words.Contains(g.Word)))
            {
                throw new SelectionException($"{word}: trang này không dùng tham số này; dùng {string.Join(", ", words)}.");
            }

            return this;
        }
    }

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
            Geo = input.Geo is null ? 2025
                : int.TryParse(input.Geo, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var geo) ? geo
                : throw new SelectionException($"{SelectionWords.Geo}: địa giới \"{(input.Geo.Length > 20 ? input.Geo[..20] + "…" : input.Geo)}\" không hợp lệ; dùng 2025 (34 tỉnh, thành phố) hoặc 2008 (63 tỉnh, thành phố)."),
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

    /// <summary>Whether to compare with the previous period and the same period a year earlier (the word compare).</summary>
    public static bool Compare(string? value) => value?.Trim() switch
    {
        null or "" or "false" or "0" => false,
        "true" or "1" => true,
        var other => throw new SelectionException($"{SelectionWords.Compare}: \"{(other.Length > 20 ? other[..20] + "…" : other)}\" không hợp lệ; dùng true hoặc false."),
    };

    /// <summary>A metric of the catalogue by its key (the word metric), or <paramref name="fallback"/> when none is given.</summary>
    public static MetricDefinition Metric(string? key, MetricDefinition fallback) =>
        string.IsNullOrWhiteSpace(key) ? fallback
        : MetricCatalogue.TryGet(key.Trim(), out var metric) ? metric
        : throw new SelectionException($"{SelectionWords.Metric}: không có chỉ số \"{(key.Length > 40 ? key[..40] + "…" : key)}\" trong danh mục.");

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

using Cronos;
using Microsoft.Extensions.Options;

namespace ReformMetrics.Reports.Scheduling;

/// <summary>One scheduled report: when (a cron expression in Vietnam time), which form, for which period relative to the
/// run (the month, quarter, half-year or year just ended), and for which provinces (none: the whole country).</summary>
public sealed class ReportSchedule
{
    public string Name { get; set; } = string.Empty;
    public string Cron { get; set; } = string.Empty;
    public string Form { get; set; } = "tthc-results";

    /// <summary>xlsx or pdf; empty: the form's first format (xlsx for the form, pdf for the bulletin).</summary>
    public string? Format { get; set; }
    public string Period { get; set; } = "previous-month";
    public List<string> Provinces { get; set; } = [];
    public int Geo { get; set; } = 2025;

    /// <summary>The calendar period rather than the official cut-off window (15th of the month before to the 14th).</summary>
    public bool Calendar { get; set; }
}

/// <summary>The "Reports" section: where scheduled reports go, and the schedules.</summary>
public sealed class ReportScheduleOptions
{
    public const string SectionName = "Reports";

    /// <summary>Folder of the generated files and their manifest.json; default &lt;store&gt;/reports.</summary>
    public string? Directory { get; set; }

    public List<ReportSchedule> Schedules { get; set; } = [];

    /// <summary>How often the scheduler looks for due runs.</summary>
    public int CheckSeconds { get; set; } = 30;
}

/// <summary>Refuses a schedule that could never run as meant, naming it and the field.</summary>
public sealed class ReportScheduleOptionsValidator : IValidateOptions<ReportScheduleOptions>
{
    public static readonly string[] Periods = ["previous-month", "previous-quarter", "previous-half", "previous-year"];

    public ValidateOptionsResult Validate(string? name, ReportScheduleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.CheckSeconds is < 1 or > 3600)
        {
            failures.Add("Reports:CheckSeconds phải từ 1 đến 3600.");
        }

        foreach (var (schedule, i) in options.Schedules.Select((s, i) => (s, i)))
        {
            var label = $"Reports:Schedules:{i} ({(schedule.Name.Length > 0 ? schedule.Name : "không tên")})";
            if (schedule.Name.Length == 0 || schedule.Name.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_')))
            {
                failures.Add($"{label}: Name phải có, chỉ gồm chữ, số, - và _.");
            }

            if (!TryParseCron(schedule.Cron, out _))
            {
                failures.Add($"{label}: Cron \"{schedule.Cron}\" không phải biểu thức cron (5 trường, ví dụ \"0 6 1 * *\").");
            }

            if (ReportRequest.Problem(schedule.Form, schedule.Format) is { } problem)
            {
                failures.Add($"{label}: Form/Format: {problem}");
            }

            if (!Periods.Contains(schedule.Period))
            {
                failures.Add($"{label}: Period \"{schedule.Period}\" không hợp lệ; dùng {string.Join(", ", Periods)}.");
            }

            if (schedule.Geo is not (2008 or 2025))
            {
                failures.Add($"{label}: Geo phải là 2025 hoặc 2008.");
            }
        }

        foreach (var duplicate in options.Schedules.GroupBy(s => s.Name, StringComparer.Ordinal).Where(g => g.Key.Length > 0 && g.Count() > 1))
        {
            failures.Add($"Reports:Schedules: tên \"{duplicate.Key}\" dùng {duplicate.Count()} lần.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    public static bool TryParseCron(string text, out CronExpression? expression)
    {
        try
        {
            expression = CronExpression.Parse(text);
            return true;
        }
        catch (CronFormatException)
        {
            expression = null;
            return false;
        }
    }
}

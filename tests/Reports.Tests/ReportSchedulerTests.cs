using ClosedXML.Excel;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ReformMetrics.Metrics.Query;
using ReformMetrics.Metrics.Rankings;
using ReformMetrics.Reports.Excel;
using ReformMetrics.Reports.OfficialForm;
using ReformMetrics.Reports.Scheduling;
using ReformMetrics.Store;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Reports.Tests;

/// <summary>Scheduled generation on a fake clock: a new schedule starts from now, a due run writes its period's form,
/// missed runs are caught up each for its own period, and two runs at once write each file once.</summary>
public sealed class ReportSchedulerTests(Scenario scenario) : IClassFixture<Scenario>, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("reform-scheduled-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Due_runs_write_the_previous_month_missed_runs_are_caught_up_and_nothing_is_written_twice()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 4, 20, 9, 0, 0, TimeSpan.FromHours(7)));
        var schedule = new ReportSchedule { Name = "monthly-72", Cron = "0 6 1 * *", Form = "tthc-results", Period = "previous-month", Provinces = ["72"], Geo = 2008 };
        var scheduler = Scheduler(clock, schedule);
        var cancel = TestContext.Current.CancellationToken;

        var first = await scheduler.RunDueAsync(cancel);
        clock.SetUtcNow(new DateTimeOffset(2025, 5, 1, 7, 0, 0, TimeSpan.FromHours(7)));
        var may = await scheduler.RunDueAsync(cancel);
        clock.SetUtcNow(new DateTimeOffset(2025, 7, 1, 7, 0, 0, TimeSpan.FromHours(7)));
        var caughtUp = await Task.WhenAll(scheduler.RunDueAsync(cancel), scheduler.RunDueAsync(cancel));

        Assert.Empty(first);
        Assert.Equal(["2025-04"], may.Select(f => f.Period));
        Assert.Equal(["2025-05", "2025-06"], caughtUp.SelectMany(r => r).Select(f => f.Period).Order(StringComparer.Ordinal));
        var manifest = await scheduler.ReadAsync(cancel);
        // Scheduled reports cover the official window by default: April is 15 March to 14 April.
        Assert.Equal(["tthc-results-72-2025-04-chot15.xlsx", "tthc-results-72-2025-05-chot15.xlsx", "tthc-results-72-2025-06-chot15.xlsx"],
            manifest.Files.Select(f => f.File).Order(StringComparer.Ordinal));
        using var april = new XLWorkbook(Path.Combine(_directory, "tthc-results-72-2025-04-chot15.xlsx"));
        var sheet = april.Worksheet(1);
        var total = Enumerable.Range(TthcResultsWorkbook.FirstDataRow, 10).First(r => sheet.Cell(r, 2).GetString() == "TỔNG CỘNG");
        Assert.Equal(9, sheet.Cell(total, 3).GetValue<long>()); // the hand-computed 15 March – 14 April of Tây Ninh
    }

    [Fact]
    public async Task A_calendar_schedule_writes_the_calendar_month()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 4, 20, 9, 0, 0, TimeSpan.FromHours(7)));
        var scheduler = Scheduler(clock, new ReportSchedule { Name = "calendar-72", Cron = "0 6 1 * *", Period = "previous-month", Provinces = ["72"], Geo = 2008, Calendar = true });
        var cancel = TestContext.Current.CancellationToken;

        await scheduler.RunDueAsync(cancel);
        clock.SetUtcNow(new DateTimeOffset(2025, 5, 1, 7, 0, 0, TimeSpan.FromHours(7)));
        var may = await scheduler.RunDueAsync(cancel);

        Assert.Equal(["tthc-results-72-2025-04.xlsx"], may.Select(f => f.File));
        using var april = new XLWorkbook(Path.Combine(_directory, "tthc-results-72-2025-04.xlsx"));
        var sheet = april.Worksheet(1);
        var total = Enumerable.Range(TthcResultsWorkbook.FirstDataRow, 10).First(r => sheet.Cell(r, 2).GetString() == "TỔNG CỘNG");
        Assert.Equal(12, sheet.Cell(total, 3).GetValue<long>()); // the hand-computed April of Tây Ninh
    }

    [Fact]
    public async Task A_bulletin_schedule_writes_the_PDF_bulletin_of_each_province()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 4, 20, 9, 0, 0, TimeSpan.FromHours(7)));
        var schedule = new ReportSchedule { Name = "bulletin", Cron = "0 6 1 * *", Form = "bulletin", Period = "previous-month", Provinces = ["72", "80"], Geo = 2008 };
        var scheduler = Scheduler(clock, schedule);
        var cancel = TestContext.Current.CancellationToken;

        await scheduler.RunDueAsync(cancel);
        clock.SetUtcNow(new DateTimeOffset(2025, 5, 1, 7, 0, 0, TimeSpan.FromHours(7)));
        var written = await scheduler.RunDueAsync(cancel);

        Assert.Equal(["bulletin-72-2025-04-chot15.pdf", "bulletin-80-2025-04-chot15.pdf"], written.Select(f => f.File).Order(StringComparer.Ordinal));
        var pdf = PdfText.Read(await File.ReadAllBytesAsync(Path.Combine(_directory, "bulletin-80-2025-04-chot15.pdf"), cancel));
        Assert.Contains("TỈNH LONG AN", pdf.Pages[0], StringComparison.Ordinal);
        Assert.Contains("tỉnh xếp thứ 1/2 tỉnh, thành phố", pdf.Pages[1], StringComparison.Ordinal);
    }

    [Fact]
    public void A_form_asked_for_in_a_format_it_does_not_have_is_refused()
    {
        var options = new ReportScheduleOptions { Schedules = [new ReportSchedule { Name = "x", Cron = "0 6 1 * *", Form = "provinces", Format = "pdf" }] };

        var result = new ReportScheduleOptionsValidator().Validate(null, options);

        Assert.Contains("Reports:Schedules:0 (x): Form/Format: biểu \"provinces\" không có định dạng \"pdf\"; dùng xlsx.", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0 6 32 * *", "Cron")]
    [InlineData("0 6 1 * *", "Form", "bulletin-x")]
    [InlineData("0 6 1 * *", "Period", "tthc-results", "last-week")]
    public void A_schedule_that_cannot_run_is_refused_naming_it_and_the_field(string cron, string field, string form = "tthc-results", string period = "previous-month")
    {
        var options = new ReportScheduleOptions { Schedules = [new ReportSchedule { Name = "x", Cron = cron, Form = form, Period = period }] };

        var result = new ReportScheduleOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains($"Reports:Schedules:0 (x): {field}", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("previous-month", "2025-05-01", "2025-04")]
    [InlineData("previous-quarter", "2025-04-01", "2025-Q1")]
    [InlineData("previous-half", "2025-07-05", "2025-H1")]
    [InlineData("previous-half", "2026-01-02", "2025-H2")]
    [InlineData("previous-year", "2026-01-02", "2025")]
    public void The_period_of_a_run_is_the_one_just_ended(string rule, string day, string period) =>
        Assert.Equal(period, ReportScheduler.PeriodFor(rule, DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture)).Key);

    private ReportScheduler Scheduler(FakeTimeProvider clock, ReportSchedule schedule)
    {
        return new ReportScheduler(
            Options.Create(new ReportScheduleOptions { Directory = _directory, Schedules = [schedule] }),
            Options.Create(new ClickHouseOptions()),
            TestReports.Generator(scenario.Database.Store, clock),
            clock,
            NullLogger<ReportScheduler>.Instance);
    }
}

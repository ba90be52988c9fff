using System.Text.Json;
using Cronos;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReformMetrics.Metrics.Periods;
using ReformMetrics.Store;
using ReformMetrics.Store.Embedded;

namespace ReformMetrics.Reports.Scheduling;

/// <summary>A generated report, as the manifest lists it.</summary>
public sealed record ScheduledFile(string Schedule, DateTimeOffset Occurrence, string Period, string Form, string Province, string File, DateTimeOffset GeneratedAt);

/// <summary>The reports folder's manifest.json: when each schedule was first seen and last run, and every file written.</summary>
public sealed class ReportManifest
{
    public const string FileName = "manifest.json";

    internal static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public Dictionary<string, DateTimeOffset> LastRun { get; set; } = new(StringComparer.Ordinal);
    public List<ScheduledFile> Files { get; set; } = [];

    /// <summary>The manifest of a reports folder (empty when nothing was generated yet).</summary>
    public static async Task<ReportManifest> ReadAsync(string directory, CancellationToken cancellationToken)
    {
        var path = Path.Combine(directory, FileName);
        return File.Exists(path)
            ? JsonSerializer.Deserialize<ReportManifest>(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false), Json) ?? new ReportManifest()
            : new ReportManifest();
    }

    /// <summary>The reports folder: Reports:Directory, or &lt;store&gt;/reports.</summary>
    public static string DirectoryOf(ReportScheduleOptions options, ClickHouseOptions store)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        return Path.GetFullPath(options.Directory ?? Path.Combine(store.StoreDirectory, "reports"));
    }
}

/// <summary>
/// Generates the scheduled reports inside `reform serve`. Every check it runs each schedule's occurrences since its last
/// run, oldest first, each for its own period (a server that was down catches up on start: three missed monthly runs give
/// the three months). A schedule seen for the first time starts from now rather than generating the past. One
/// generation per form, province and period at a time, also across processes (a lock file).
/// </summary>
public sealed class ReportScheduler(
    IOptions<ReportScheduleOptions> options, IOptions<ClickHouseOptions> store, ReportGenerator generator,
    TimeProvider clock, ILogger<ReportScheduler> logger) : BackgroundService
{
    private const int MaxCatchUp = 24;
    private static readonly TimeZoneInfo Vietnam = TimeZoneInfo.CreateCustomTimeZone("Vietnam", TimeSpan.FromHours(7), "Vietnam", "Vietnam");
    private readonly SemaphoreSlim _manifestLock = new(1, 1);

    public string Directory => ReportManifest.DirectoryOf(options.Value, store.Value);

    public string ManifestPath => Path.Combine(Directory, ReportManifest.FileName);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunDueAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Scheduled reports failed; retrying at the next check");
            }

            await Task.Delay(TimeSpan.FromSeconds(options.Value.CheckSeconds), clock, stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>Runs every occurrence due since the last run; returns the files written.</summary>
    public async Task<IReadOnlyList<ScheduledFile>> RunDueAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var written = new List<ScheduledFile>();
        foreach (var schedule in options.Value.Schedules)
        {
            var cron = CronExpression.Parse(schedule.Cron);
            var manifest = await ReadAsync(cancellationToken).ConfigureAwait(false);
            if (!manifest.LastRun.TryGetValue(schedule.Name, out var last))
            {
                await UpdateAsync(m => m.LastRun[schedule.Name] = now, cancellationToken).ConfigureAwait(false);
                continue;
            }

            var due = cron.GetOccurrences(last.UtcDateTime, now.UtcDateTime, Vietnam, fromInclusive: false, toInclusive: true).TakeLast(MaxCatchUp).ToList();
            foreach (var occurrence in due)
            {
                var period = ReportingWindow.For(PeriodFor(schedule.Period, DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(occurrence, Vietnam))), schedule.Calendar);
                foreach (var province in schedule.Form == "provinces" ? [string.Empty] : schedule.Provinces.Count == 0 ? [string.Empty] : schedule.Provinces)
                {
                    if (await GenerateAsync(schedule, new DateTimeOffset(occurrence, TimeSpan.Zero), period, province, cancellationToken).ConfigureAwait(false) is { } file)
                    {
                        written.Add(file);
                    }
                }

                await UpdateAsync(m => m.LastRun[schedule.Name] = new DateTimeOffset(occurrence, TimeSpan.Zero), cancellationToken).ConfigureAwait(false);
            }
        }

        return written;
    }

    public static Period PeriodFor(string rule, DateOnly runDay)
    {
        var month = runDay.AddMonths(-1);
        return rule switch
        {
            "previous-month" => Period.Month(month.Year, month.Month),
            "previous-quarter" => Period.Quarter(runDay.Year, (runDay.Month + 2) / 3).Previous(),
            "previous-half" => Period.Parse(runDay.Month <= 6 ? $"{runDay.Year - 1}-H2" : $"{runDay.Year}-H1", runDay),
            _ => Period.Year(runDay.Year - 1),
        };
    }

    private async Task<ScheduledFile?> GenerateAsync(ReportSchedule schedule, DateTimeOffset occurrence, Period period, string province, CancellationToken cancellationToken)
    {
        var request = new ReportRequest(schedule.Form, schedule.Format ?? ReportRequest.Formats[schedule.Form][0], period, schedule.Geo, province.Length == 0 ? null : province);
        var name = request.FileName;
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, ".locks"));
        using var fileLock = await FileLock.AcquireAsync(Path.Combine(Directory, ".locks", name + ".lock"), TimeSpan.FromHours(1), cancellationToken).ConfigureAwait(false);
        var manifest = await ReadAsync(cancellationToken).ConfigureAwait(false);
        if (manifest.Files.Any(f => f.File == name && f.Schedule == schedule.Name))
        {
            return null; // generated by another run meanwhile
        }

        await generator.WriteAsync(request, Path.Combine(Directory, name), cancellationToken).ConfigureAwait(false);
        var file = new ScheduledFile(schedule.Name, occurrence, period.Key, schedule.Form, province, name, clock.GetUtcNow());
        await UpdateAsync(m => m.Files.Add(file), cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Scheduled report {Schedule}: wrote {File}", schedule.Name, name);
        return file;
    }

    public Task<ReportManifest> ReadAsync(CancellationToken cancellationToken) => ReportManifest.ReadAsync(Directory, cancellationToken);

    private async Task UpdateAsync(Action<ReportManifest> change, CancellationToken cancellationToken)
    {
        await _manifestLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            using var fileLock = await FileLock.AcquireAsync(ManifestPath + ".lock", TimeSpan.FromMinutes(5), cancellationToken).ConfigureAwait(false);
            var manifest = await ReadAsync(cancellationToken).ConfigureAwait(false);
            change(manifest);
            var temp = ManifestPath + ".tmp";
            await File.WriteAllTextAsync(temp, JsonSerializer.Serialize(manifest, ReportManifest.Json), cancellationToken).ConfigureAwait(false);
            File.Move(temp, ManifestPath, overwrite: true);
        }
        finally
        {
            _manifestLock.Release();
        }
    }

    public override void Dispose()
    {
        _manifestLock.Dispose();
        base.Dispose();
    }
}

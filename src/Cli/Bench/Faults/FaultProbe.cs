using System.Collections.Concurrent;
using System.Diagnostics;
using ReformMetrics.Cli.Bench.Campaign;

namespace ReformMetrics.Cli.Bench.Faults;

/// <summary>
/// Light, steady traffic during a fault: a signed-in national user opening the overview and calling the API, and the health
/// check, once a second (below the per-user rate limit), every answer kept with its time. From the timeline: what users got
/// while the fault lasted (503 is the product's promise, a 500 or no answer is a failure) and when the service answered 200
/// again. A 429 tells nothing about the store, so it neither ends nor proves the recovery.
/// </summary>
internal sealed class FaultProbe(Uri server, Account national, string period, Timings timings)
{
    private readonly ConcurrentQueue<(TimeSpan At, string Kind, int Status)> _timeline = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public TimeSpan Now => _clock.Elapsed;

    public async Task RunAsync(CancellationToken stop)
    {
        using var browser = new DashboardClient(server, national, timeout: TimeSpan.FromSeconds(30)) { Timings = timings };
        await browser.SignInAsync(stop);
        using var health = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(30) };
        try
        {
            while (!stop.IsCancellationRequested)
            {
                Record("trang", (await browser.GetAsync("trang", $"/?period={period}", stop)).Status);
                Record("API", (await browser.GetAsync("API", $"/api/kpi?period={period}&by=province", stop)).Status);
                Record("/healthz", await HealthAsync(health, stop));
                await Task.Delay(1000, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>The statuses answered between two moments, by status ("503: 12, 500: 1").</summary>
    public string StatusesBetween(TimeSpan from, TimeSpan to) =>
        Timings.Statuses(_timeline.Where(e => e.At >= from && e.At <= to).Select(e => e.Status));

    public int CountBetween(TimeSpan from, TimeSpan to, Func<int, bool> which) => _timeline.Count(e => e.At >= from && e.At <= to && which(e.Status));

    /// <summary>When every kind of request answered 200 again after <paramref name="from"/> (null: not yet).</summary>
    public TimeSpan? RecoveredAfter(TimeSpan from)
    {
        var after = _timeline.Where(e => e.At > from && e.Status != 429).OrderBy(e => e.At).ToList();
        var lastFailure = after.LastOrDefault(e => e.Status != 200);
        var recovered = after.Where(e => e.At > (lastFailure == default ? from : lastFailure.At)).ToList();
        return recovered.Select(e => e.Kind).Distinct().Count() == 3 ? recovered.Min(e => e.At) - from : null;
    }

    private void Record(string kind, int status) => _timeline.Enqueue((_clock.Elapsed, kind, status));

    private async Task<int> HealthAsync(HttpClient health, CancellationToken stop)
    {
        var watch = Stopwatch.StartNew();
        int status;
        try
        {
            using var response = await health.GetAsync(new Uri("/healthz", UriKind.Relative), stop);
            status = (int)response.StatusCode;
        }
        catch (HttpRequestException)
        {
            status = Outcome.NoAnswer;
        }
        catch (TaskCanceledException) when (!stop.IsCancellationRequested)
        {
            status = Outcome.NoAnswer;
        }

        timings.Add("/healthz", watch.Elapsed.TotalMilliseconds, new Outcome(status, Expected: false));
        return status;
    }
}

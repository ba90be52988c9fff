using System.Collections.Concurrent;
using System.Diagnostics;
using ReformMetrics.Cli.Bench.Campaign;

namespace ReformMetrics.Cli.Bench.Hostile;

/// <summary>
/// Sends the hostile bodies of <see cref="IntakeCases"/> to <c>POST /api/events</c>, one at a time, and looks at each answer
/// (5xx, leaks) and, for the gzip bombs, at the server's resident memory while it works (sampled every 50 ms) and after.
/// </summary>
internal sealed class IntakeFuzz(ServedDashboard served, SourceKey source, Timings timings)
{
    private readonly ConcurrentQueue<string> _findings = new();

    public long Tried { get; private set; }

    public double BombPeakMb { get; private set; }

    public IReadOnlyList<string> Findings => _findings.ToList();

    public long ServerErrors { get; private set; }

    public long NoAnswer { get; private set; }

    public long Leaks { get; private set; }

    public IReadOnlyList<string> BombResults { get; private set; } = [];

    public async Task RunAsync(IReadOnlyList<IntakeCase> cases, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cases);
        // A body the server has not answered in two minutes is a hang, and a finding; waiting longer only delays the rest.
        using var http = new HttpClient { BaseAddress = served.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        var bombs = new List<string>();
        // Bombs first, while the server's peak memory is still its start-up's.
        foreach (var intake in cases.OrderByDescending(c => c.Bomb))
        {
            var peak = 0.0;
            using var sampling = new CancellationTokenSource();
            var sampler = intake.Bomb ? SampleAsync(mb => peak = Math.Max(peak, mb), sampling.Token) : Task.CompletedTask;
            var (status, body, milliseconds) = await SendAsync(http, intake, cancellationToken);
            await sampling.CancelAsync();
            await sampler;
            Tried++;
            timings.Add($"POST /api/events: {intake.Category}", milliseconds, new Outcome(status, Expected: true));
            if (status == Outcome.NoAnswer || status >= 500)
            {
                ServerErrors += status >= 500 ? 1 : 0;
                NoAnswer += status == Outcome.NoAnswer ? 1 : 0;
                _findings.Enqueue($"{(status == 0 ? "không trả lời" : status.ToString(System.Globalization.CultureInfo.InvariantCulture))}: POST /api/events, {intake.Category}: {intake.Name}");
            }

            foreach (var kind in LeakDetector.Find(body, "application/json"))
            {
                Leaks++;
                _findings.Enqueue($"{kind}: POST /api/events, {intake.Category}: {intake.Name} → {status}");
            }

            if (intake.Bomb)
            {
                var (now, lifetimePeak) = served.MemoryMb();
                peak = Math.Max(peak, now);
                BombPeakMb = Math.Max(BombPeakMb, Math.Max(peak, lifetimePeak));
                bombs.Add($"{intake.Name}: {status}, {milliseconds / 1000:N1} giây, bộ nhớ reform serve lúc xử lý tối đa {peak:N0} MB, sau đó {now:N0} MB");
            }

            if (served.HasExited)
            {
                _findings.Enqueue($"reform serve dừng sau {intake.Category}: {intake.Name}: {served.LogTail(3)}");
                break;
            }
        }

        BombResults = bombs;
    }

    private async Task<(int Status, string Body, double Milliseconds)> SendAsync(HttpClient http, IntakeCase intake, CancellationToken cancellationToken)
    {
        if (intake.Raw is { } raw)
        {
            var (headers, bytes) = raw();
            headers["Authorization"] = "Bearer " + source.Key;
            var answer = await RawHttp.SendAsync(served.BaseAddress, "POST", "/api/events", headers, bytes, cancellationToken);
            return (answer.Status, answer.Body, answer.Milliseconds);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/events", UriKind.Relative)) { Content = intake.Content() };
        if (intake.Key is { } key)
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + (key == IntakeCase.SourceKey ? source.Key : key));
        }

        var watch = Stopwatch.StartNew();
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            return ((int)response.StatusCode, body, watch.Elapsed.TotalMilliseconds);
        }
        catch (HttpRequestException)
        {
            return (Outcome.NoAnswer, string.Empty, watch.Elapsed.TotalMilliseconds);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (Outcome.NoAnswer, string.Empty, watch.Elapsed.TotalMilliseconds);
        }
    }

    private async Task SampleAsync(Action<double> peak, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                peak(served.MemoryMb().Now);
                await Task.Delay(50, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }
}

using System.Globalization;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace ReformMetrics.Cli.Bench.Campaign;

/// <summary>
/// A source system sending events over <c>POST /api/events</c> at a steady rate, as its one-stop system would: CSV and
/// NDJSON bodies, some gzipped; every tenth body sent a second time (the same bytes) and every tenth, offset by five, sent
/// again inside the next body (the same events in another body), which exactly-once loading must absorb. A body that gets
/// no answer, a 429 or a 5xx is sent again, as the contract asks of a source, until it is answered 200.
/// </summary>
internal sealed class IntakeFeeder(Uri baseAddress, SourceKey source, CampaignEvents events, Timings timings)
{
    public const string Kind = "nạp sự kiện (POST /api/events)";
    private readonly Queue<Body> _pending = new();
    private readonly HashSet<string> _confirmedEvents = new(StringComparer.Ordinal);
    private readonly HashSet<string> _refusedEvents = new(StringComparer.Ordinal);
    private readonly List<string> _refusals = [];
    private IReadOnlyList<string[]> _carry = [];
    private int _sequence;

    public long Bodies { get; private set; }

    public long Accepted { get; private set; }

    public long Duplicates { get; private set; }

    public long Rejected { get; private set; }

    public long Resent { get; private set; }

    /// <summary>Distinct events in bodies answered 200: what must be stored, each once.</summary>
    public long ConfirmedEvents => _confirmedEvents.Count;

    /// <summary>Of those, the dossiers' received events: the dossiers received that /api/kpi must count.</summary>
    public long ConfirmedReceived { get; private set; }

    /// <summary>Distinct events in bodies refused with a 4xx other than 429 (never stored, by the product's decision).</summary>
    public long RefusedEvents => _refusedEvents.Count;

    public int Unconfirmed => _pending.Count;

    public IReadOnlyList<string> Refusals => _refusals;

    public string Prefix => events.Prefix;

    /// <summary>Sends a body every <paramref name="interval"/> holding about <paramref name="perSecond"/> events a second
    /// until <paramref name="stop"/>.</summary>
    public async Task RunAsync(double perSecond, TimeSpan interval, CancellationToken stop)
    {
        var received = Math.Max(1, (int)Math.Round(perSecond * interval.TotalSeconds / 4));
        using var http = Client();
        using var timer = new PeriodicTimer(interval);
        try
        {
            do
            {
                await SendPendingAsync(http, stop);
                if (_pending.Count == 0)
                {
                    Enqueue(events.NextBatch(received, DateTimeOffset.UtcNow));
                    await SendPendingAsync(http, stop);
                }
            }
            while (await timer.WaitForNextTickAsync(stop));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>Sends the follow-ups of the dossiers still open and every body not yet answered 200, retrying until
    /// <paramref name="within"/> has passed; true when nothing is left unanswered.</summary>
    public async Task<bool> FlushAsync(TimeSpan within, CancellationToken cancellationToken)
    {
        using var http = Client();
        Enqueue(events.Close(DateTimeOffset.UtcNow));
        var deadline = DateTime.UtcNow + within;
        while (_pending.Count > 0 && DateTime.UtcNow < deadline)
        {
            await SendPendingAsync(http, cancellationToken);
            if (_pending.Count > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }

        return _pending.Count == 0;
    }

    /// <summary>Sends one body now (for a fault scenario's single requests); the body joins the pending ones when not answered.</summary>
    public async Task<int> SendOnceAsync(CancellationToken cancellationToken)
    {
        using var http = Client();
        Enqueue(events.NextBatch(5, DateTimeOffset.UtcNow));
        var body = _pending.Peek();
        var status = await PostAsync(http, body, cancellationToken);
        if (status is not (0 or 429 or >= 500))
        {
            _pending.Dequeue();
        }

        return status;
    }

    private void Enqueue(IReadOnlyList<string[]> rows)
    {
        var n = _sequence++;
        var all = rows.Concat(_carry).ToList();
        _carry = n % 10 == 5 ? rows.Take(Math.Max(1, rows.Count / 2)).ToList() : [];
        if (all.Count == 0)
        {
            return;
        }

        var ndjson = n % 2 == 1;
        var text = ndjson ? CampaignEvents.ToNdjson(all) : CampaignEvents.ToCsv(all);
        var bytes = Encoding.UTF8.GetBytes(text);
        _pending.Enqueue(new Body(n % 3 == 2 ? Gzip(bytes) : bytes, ndjson, all.Select(r => r[0]).ToList(), ResendAfter: n % 10 == 0));
    }

    private async Task SendPendingAsync(HttpClient http, CancellationToken cancellationToken)
    {
        while (_pending.Count > 0)
        {
            var body = _pending.Peek();
            var status = await PostAsync(http, body, cancellationToken);
            if (status is 0 or 429 or >= 500)
            {
                return; // sent again at the next tick, as a source system retries
            }

            _pending.Dequeue();
            if (status == 200 && body.ResendAfter)
            {
                Resent++;
                await PostAsync(http, body with { ResendAfter = false }, cancellationToken);
            }
        }
    }

    private async Task<int> PostAsync(HttpClient http, Body body, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(body.Bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(body.Ndjson ? "application/x-ndjson" : "text/csv") { CharSet = "utf-8" };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/events", UriKind.Relative)) { Content = content };
        var watch = System.Diagnostics.Stopwatch.StartNew();
        int status;
        string text = string.Empty;
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            status = (int)response.StatusCode;
            text = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (HttpRequestException)
        {
            status = Outcome.NoAnswer;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            status = Outcome.NoAnswer;
        }

        Bodies++;
        timings.Add(Kind, watch.Elapsed.TotalMilliseconds, new Outcome(status, Expected: false));
        if (status == 200)
        {
            Count(text);
            foreach (var id in body.EventIds)
            {
                if (_confirmedEvents.Add(id) && id.EndsWith("-received", StringComparison.Ordinal))
                {
                    ConfirmedReceived++;
                }
            }
        }
        else if (status is >= 400 and < 500 and not 429)
        {
            _refusedEvents.UnionWith(body.EventIds);
            if (_refusals.Count < 5)
            {
                _refusals.Add($"{status}: {(text.Length > 300 ? text[..300] : text)}");
            }
        }

        return status;
    }

    private void Count(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            long Get(string name) => document.RootElement.EnumerateObject().FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) is
                { Value.ValueKind: JsonValueKind.Number } property ? property.Value.GetInt64() : 0;
            Accepted += Get("accepted");
            Duplicates += Get("duplicates");
            Rejected += Get("rejected");
        }
        catch (JsonException)
        {
            _refusals.Add("200 với nội dung không phải JSON: " + (json.Length > 200 ? json[..200] : json));
        }
    }

    private HttpClient Client()
    {
        var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(120) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", source.Key);
        return http;
    }

    private static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(bytes);
        }

        return output.ToArray();
    }

    /// <summary>Reads the events of the run as stored: all rows, and distinct event ids.</summary>
    public static async Task<(long Rows, long Distinct)> StoredAsync(CampaignTarget target, string prefix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        var rows = await target.QueryAsync($"SELECT count(), uniqExact(event_id) FROM events WHERE startsWith(dossier_id, '{prefix}')", cancellationToken);
        return (long.Parse(rows[0][0], CultureInfo.InvariantCulture), long.Parse(rows[0][1], CultureInfo.InvariantCulture));
    }

    private sealed record Body(byte[] Bytes, bool Ndjson, IReadOnlyList<string> EventIds, bool ResendAfter);
}

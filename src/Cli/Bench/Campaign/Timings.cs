using System.Collections.Concurrent;
using System.Net;
using Spectre.Console;

namespace ReformMetrics.Cli.Bench.Campaign;

/// <summary>How one request ended: a status code, or no answer at all (refused, reset, timed out).</summary>
internal readonly record struct Outcome(int Status, bool Expected)
{
    public const int NoAnswer = 0;

    public bool IsServerError => Status >= 500;

    public bool IsThrottled => Status == (int)HttpStatusCode.TooManyRequests;
}

/// <summary>
/// Latencies and outcomes per kind of request (pages, API, exports, SQL page, intake...), recorded from many threads.
/// An error is a 5xx, no answer, or a 4xx the campaign did not ask for (a refused forbidden province is expected); 429s
/// are counted apart: throttling is the product's answer to load, not a failure.
/// </summary>
internal sealed class Timings
{
    private readonly ConcurrentDictionary<string, ConcurrentBag<(double Ms, Outcome Outcome)>> _kinds = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentBag<double>> _paths = new(StringComparer.Ordinal);

    public void Add(string kind, double milliseconds, Outcome outcome) =>
        _kinds.GetOrAdd(kind, _ => []).Add((milliseconds, outcome));

    /// <summary>Also keeps the time under the request's path (its query left out, codes and numbers as {n}), for
    /// <see cref="SlowestPaths"/>.</summary>
    public void Add(string kind, string path, double milliseconds, Outcome outcome)
    {
        Add(kind, milliseconds, outcome);
        if (outcome.Status != Outcome.NoAnswer)
        {
            _paths.GetOrAdd(PathKey(path), _ => []).Add(milliseconds);
        }
    }

    /// <summary>The paths with the highest p95, to see where time goes under load.</summary>
    public Table SlowestPaths(int count)
    {
        var table = new Table().AddColumns("đường dẫn", "số yêu cầu", "p50 ms", "p95 ms", "tối đa ms");
        foreach (var (path, sorted) in _paths.Select(p => (p.Key, Sorted: p.Value.Order().ToList())).OrderByDescending(p => Percentile(p.Sorted, 0.95)).Take(count))
        {
            table.AddRow(Markup.Escape(path), $"{sorted.Count:N0}", Format(Percentile(sorted, 0.5)), Format(Percentile(sorted, 0.95)), Format(sorted[^1]));
        }

        return table;
    }

    internal static string PathKey(string pathAndQuery)
    {
        ArgumentNullException.ThrowIfNull(pathAndQuery);
        var path = pathAndQuery.Split('?')[0];
        return string.Join('/', path.Split('/').Select(segment => segment.Length > 0 && segment.All(char.IsAsciiDigit) ? "{n}" : segment))
            + (pathAndQuery.Contains('?') ? QueryShape(pathAndQuery) : string.Empty);
    }

    // The names of the query's parameters tell apart requests of one path that cost differently (by=province, geo=2008).
    private static string QueryShape(string pathAndQuery) =>
        "?" + string.Join('&', pathAndQuery.Split('?', 2)[1].Split('&').Select(p => p.Split('=')[0] is var name && name is "by" or "geo" ? p : name).Order(StringComparer.Ordinal));

    public IReadOnlyList<string> Kinds => _kinds.Keys.Order(StringComparer.Ordinal).ToList();

    public long Count(Func<Outcome, bool> which) => _kinds.Values.Sum(bag => bag.LongCount(r => which(r.Outcome)));

    /// <summary>The outcomes of one kind of request that <paramref name="which"/> selects.</summary>
    public long Count(string kind, Func<Outcome, bool> which) => _kinds.TryGetValue(kind, out var bag) ? bag.LongCount(r => which(r.Outcome)) : 0;

    public long Requests => Count(_ => true);

    /// <summary>5xx, no answer, or an unexpected 4xx (not 429).</summary>
    public long Errors => Count(IsError);

    public long ServerErrors(int status) => Count(o => o.Status == status);

    public static bool IsError(Outcome outcome) =>
        outcome.Status == Outcome.NoAnswer || outcome.IsServerError || (outcome.Status >= 400 && !outcome.IsThrottled && !outcome.Expected);

    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        return sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    /// <summary>p50, p95 and p99 of the kind's answered requests, in milliseconds.</summary>
    public (double P50, double P95, double P99) Percentiles(string kind)
    {
        var sorted = _kinds.TryGetValue(kind, out var bag) ? bag.Where(r => r.Outcome.Status != Outcome.NoAnswer).Select(r => r.Ms).Order().ToList() : [];
        return (Percentile(sorted, 0.5), Percentile(sorted, 0.95), Percentile(sorted, 0.99));
    }

    /// <summary>The table every campaign prints: per kind, requests, p50/p95/p99 and the outcomes by status.</summary>
    public Table ToTable()
    {
        var table = new Table().AddColumns("loại yêu cầu", "số yêu cầu", "p50 ms", "p95 ms", "p99 ms", "2xx/3xx", "4xx chủ ý", "4xx khác", "429", "5xx", "không trả lời");
        foreach (var kind in Kinds)
        {
            var records = _kinds[kind].ToList();
            var (p50, p95, p99) = Percentiles(kind);
            table.AddRow(
                Markup.Escape(kind), $"{records.Count:N0}", Format(p50), Format(p95), Format(p99),
                $"{records.Count(r => r.Outcome.Status is >= 200 and < 400):N0}",
                $"{records.Count(r => r.Outcome.Status is >= 400 and < 500 && r.Outcome.Expected && !r.Outcome.IsThrottled):N0}",
                $"{records.Count(r => r.Outcome.Status is >= 400 and < 500 && !r.Outcome.Expected && !r.Outcome.IsThrottled):N0}",
                $"{records.Count(r => r.Outcome.IsThrottled):N0}",
                Statuses(records.Where(r => r.Outcome.IsServerError).Select(r => r.Outcome.Status)),
                $"{records.Count(r => r.Outcome.Status == Outcome.NoAnswer):N0}");
        }

        return table;
    }

    /// <summary>Counts by status, e.g. "503: 12, 500: 1".</summary>
    public static string Statuses(IEnumerable<int> statuses)
    {
        var groups = statuses.GroupBy(s => s).OrderByDescending(g => g.Count()).Select(g => $"{g.Key}: {g.Count():N0}").ToList();
        return groups.Count == 0 ? "0" : string.Join(", ", groups);
    }

    private static string Format(double value) => double.IsNaN(value) ? "-" : $"{value:N0}";
}

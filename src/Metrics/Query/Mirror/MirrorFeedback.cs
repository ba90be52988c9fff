using System.Collections;
using System.Data.Common;
using System.Globalization;
using Dapper;
using ReformMetrics.Metrics.Catalogue;
using ReformMetrics.Store;

namespace ReformMetrics.Metrics.Query.Mirror;

/// <summary>A feedback item's keys (numbers of <see cref="MirrorNames"/>) and days.</summary>
internal readonly record struct FeedbackRow(int Province2008, int Sector, FeedbackItem Item);

/// <summary>
/// The feedback items (v_feedback, a few per thousand dossiers) and the store's working-day index, held beside the month
/// rows so that the feedback measures (the 766 index's 5.2 on every province page) need no statement either: the engine's
/// statement over v_feedback and the working-day function cost 29–41 ms of its CPU a page at 20 M dossiers. Read whole
/// when the feedback table changes (items are loaded from record files, not by the feed).
/// </summary>
internal sealed class MirrorFeedback
{
    public static readonly MirrorFeedback None = new(new WorkdayIndex([]), [], [], string.Empty);

    private MirrorFeedback(WorkdayIndex calendar, Dictionary<int, FeedbackRow[]> byProvince, Dictionary<int, HashSet<int>> within2008, string stamp)
    {
        Calendar = calendar;
        ByProvince = byProvince;
        Within2008 = within2008;
        Stamp = stamp;
    }

    public WorkdayIndex Calendar { get; }

    /// <summary>The items by 2025 province.</summary>
    public Dictionary<int, FeedbackRow[]> ByProvince { get; }

    /// <summary>Which 2025 provinces hold the items of each 2008 province.</summary>
    public Dictionary<int, HashSet<int>> Within2008 { get; }

    /// <summary>The feedback table's <see cref="StampSql"/> when the items were read.</summary>
    public string Stamp { get; }

    public int Count => ByProvince.Values.Sum(rows => rows.Length);

    /// <summary>What changes whenever an item is added or replaced (a ReplacingMergeTree: rows only come, or merge away).</summary>
    public const string StampSql = "(SELECT concat(toString(count()), '|', toString(max(loaded_at))) FROM feedback)";

    /// <summary>Reads the items and the calendar; numbers their codes under the state's write lock (readers number nothing).</summary>
    public static async Task<MirrorFeedback> ReadAsync(ClickHouseStore store, MirrorState state, string stamp, CancellationToken cancellationToken)
    {
        await using var connection = store.CreateConnection();
        var index = await connection.ExecuteScalarAsync<object>(new CommandDefinition(
            "SELECT tupleElement(cal, 1) FROM v_calendar", cancellationToken: cancellationToken)).ConfigureAwait(false);
        var calendar = new WorkdayIndex(((IEnumerable)index!).Cast<object>().Select(v => Convert.ToInt64(v, CultureInfo.InvariantCulture)).ToList());
        var items = new List<(string P2025, string P2008, string Sector, FeedbackItem Item)>();
        await using (var reader = await connection.ExecuteReaderAsync(new CommandDefinition(
            "SELECT province_2025, province_2008, sector_code, toDate(received_at), toDate(resolved_at) FROM v_feedback",
            cancellationToken: cancellationToken)).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                items.Add((Text(reader, 0), Text(reader, 1), Text(reader, 2), new FeedbackItem(Day(reader, 3)!.Value, Day(reader, 4))));
            }
        }

        state.Lock.EnterWriteLock();
        try
        {
            var within2008 = new Dictionary<int, HashSet<int>>();
            var byProvince = new Dictionary<int, FeedbackRow[]>();
            foreach (var province in items.GroupBy(i => i.P2025, StringComparer.Ordinal))
            {
                var p2025 = state.Names.Number(province.Key);
                byProvince[p2025] = province.Select(i =>
                {
                    var p2008 = state.Names.Number(i.P2008);
                    if (!within2008.TryGetValue(p2008, out var holders))
                    {
                        within2008[p2008] = holders = [];
                    }

                    holders.Add(p2025);
                    return new FeedbackRow(p2008, state.Names.Number(i.Sector), i.Item);
                }).ToArray();
            }

            return new MirrorFeedback(calendar, byProvince, within2008, stamp);
        }
        finally
        {
            state.Lock.ExitWriteLock();
        }
    }

    private static string Text(DbDataReader reader, int ordinal) => Convert.ToString(reader.GetValue(ordinal), CultureInfo.InvariantCulture) ?? string.Empty;

    private static DateOnly? Day(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : DateOnly.FromDateTime(Convert.ToDateTime(reader.GetValue(ordinal), CultureInfo.InvariantCulture));
}

/// <summary>The feedback measures of a question from the mirror's items: what <see cref="KpiSql.Feedback"/> computes — every
/// group with an item under the filters, in every bucket — with each measure's in-process condition
/// (<see cref="ItemMeasure.Counts"/>), then the catalogue's formulas.</summary>
internal static class FeedbackAnswer
{
    /// <summary>Whether every feedback measure the metrics read has an in-process form.</summary>
    public static bool Applies(IReadOnlyList<MetricDefinition> metrics) =>
        BaseMeasures.Needed(metrics).All(m => m is ItemMeasure { Counts: not null }) && Evaluation.InProcessAnswer.Parse(metrics);

    public static List<(string[] Keys, string Tag, DateOnly Start, Dictionary<MetricDefinition, double?> Values)> Evaluate(
        MirrorState state, Selection selection, IReadOnlyList<Bucket> buckets, IReadOnlyList<MetricDefinition> metrics)
    {
        var measures = BaseMeasures.Needed(metrics).Cast<ItemMeasure>().ToList();
        var counts = measures.Select(m => m.Counts!).ToArray();
        var groups = new Dictionary<(int A, int B), long[]>();
        state.Lock.EnterReadLock();
        try
        {
            var feedback = state.Feedback;
            var names = state.Names;
            var filters = new MirrorFilters(names, selection);
            int Key(int at, int province, FeedbackRow row) => at >= selection.GroupBy.Count ? -1 : selection.GroupBy[at] switch
            {
                Dimension.Province => selection.Geo == 2008 ? row.Province2008 : province,
                Dimension.Sector => row.Sector,
                var other => throw new InvalidOperationException($"Feedback items have no {other}."),
            };

            foreach (var (province, rows) in filters.Holders(feedback.ByProvince, feedback.Within2008))
            {
                foreach (var row in rows)
                {
                    if (!filters.Keeps2008(row.Province2008) || (filters.Sectors is { } sectors && !sectors.Contains(row.Sector)))
                    {
                        continue;
                    }

                    var id = (Key(0, province, row), Key(1, province, row));
                    if (!groups.TryGetValue(id, out var totals))
                    {
                        groups[id] = totals = new long[buckets.Count * counts.Length];
                    }

                    for (var b = 0; b < buckets.Count; b++)
                    {
                        var (bs, be) = (buckets[b].Period.Start, buckets[b].Period.End);
                        for (var m = 0; m < counts.Length; m++)
                        {
                            totals[(b * counts.Length) + m] += counts[m](row.Item, bs, be, feedback.Calendar) ? 1 : 0;
                        }
                    }
                }
            }

            return groups.SelectMany(g =>
            {
                var keys = new[] { g.Key.A, g.Key.B }.Take(selection.GroupBy.Count).Select(n => names[n]).ToArray();
                return buckets.Select((bucket, b) =>
                {
                    var values = new Dictionary<string, object?>(StringComparer.Ordinal);
                    for (var m = 0; m < measures.Count; m++)
                    {
                        values[measures[m].Name] = g.Value[(b * counts.Length) + m];
                    }

                    return (keys, bucket.Tag, bucket.Period.Start, Evaluation.InProcessAnswer.Metrics(values, metrics));
                });
            }).ToList();
        }
        finally
        {
            state.Lock.ExitReadLock();
        }
    }
}

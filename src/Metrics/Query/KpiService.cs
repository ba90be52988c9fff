using System.Diagnostics;
using System.Globalization;
using Dapper;
using Microsoft.Extensions.Logging;
using ReformMetrics.Metrics.Catalogue;
using ReformMetrics.Metrics.Periods;
using ReformMetrics.Metrics.Query.Mirror;
using ReformMetrics.Store;

namespace ReformMetrics.Metrics.Query;

/// <summary>
/// The one query path of the metrics layer: validates a selection, picks the source (monthly or daily aggregates,
/// or the dossier state when forced), runs the dossier, feedback and task queries, and returns one group per key
/// combination and period, with the comparison periods attached when asked for.
/// </summary>
public sealed class KpiService(ClickHouseStore store, ILogger<KpiService> logger, KpiCache? cache = null)
{
    public const string Current = "current";
    public const string PreviousTag = "previous";
    public const string YearAgoTag = "year_ago";

    private static readonly string[] LevelCodes = ["province", "district", "commune"];
    private static readonly string[] ChannelCodes = ["direct", "online", "postal"];

    /// <summary>Whether answers are kept in the answer cache (when one is registered). Off, every answer is computed (the
    /// cache still spares the reads of the data version and the reference names): what `reform bench pages` measures.</summary>
    public bool CacheAnswers { get; init; } = true;

    /// <summary>Whether dossier formulas over whole months are evaluated in this process from the pre-aggregates' month rows
    /// (<see cref="Evaluation.InProcessAnswer"/>) rather than by the engine. On by default (setting
    /// <c>Kpi:InProcessFormulas</c>); the engine's evaluation stays the reference the tests compare with.</summary>
    public bool InProcessFormulas { get; init; } = true;

    /// <summary>The pre-aggregates' month rows held in memory (null: none); with <see cref="InProcessFormulas"/>, questions
    /// over whole months that it can answer need no statement.</summary>
    public RollupMirror? RollupMirror { get; init; }

    /// <summary>The places of the engine's answers shared by the process's readers (null: no limit).</summary>
    public KpiReadGate? ReadGate { get; init; }

    /// <summary>The answer to a selection; from the answer cache when one is registered and <paramref name="useCache"/>
    /// (answers computed from the live events are never cached: that path exists to be exact at every instant).
    /// <paramref name="metrics"/>: the metrics the caller reads (null: every metric of the catalogue); only they and the
    /// metrics their formulas read are computed, the others are null in the answer.</summary>
    public async Task<KpiResult> GetAsync(
        Selection selection, bool compare, CancellationToken cancellationToken, bool useCache = true, IReadOnlyCollection<MetricDefinition>? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(selection);
        useCache &= CacheAnswers;
        // The version (and with it how fresh the figures are) is read before the answer, so the answer is at least that fresh.
        var version = cache is null ? await DataVersion.ReadAsync(store, cancellationToken).ConfigureAwait(false)
            : await cache.CurrentAsync(cancellationToken).ConfigureAwait(false);
        if (cache is null || !useCache || selection.Source == KpiSource.LiveEvents)
        {
            var names = cache is null ? await ReferenceNames.LoadAsync(store, cancellationToken).ConfigureAwait(false)
                : await cache.NamesAsync(version.Key, cancellationToken).ConfigureAwait(false);
            Validate(selection, names);
            // Not kept: the answer may come from rows a little older than the version (it then says so), except from the live
            // events, whose path exists to be exact at every instant.
            return await ComputeAsync(selection, compare, metrics, names, version, cancellationToken, mayLag: selection.Source != KpiSource.LiveEvents)
                .ConfigureAwait(false);
        }

        var reference = await cache.NamesAsync(version.Key, cancellationToken).ConfigureAwait(false);
        Validate(selection, reference);
        // The shared computation must not die with the request that happened to start it. An answer kept for a key stays
        // right while the watermark moves on with nothing new, so each request gets it with the watermark it read.
        var answer = await cache.GetOrComputeAsync(Question(selection, compare, metrics), version.Key,
            () => ComputeAsync(selection, compare, metrics, reference, version, CancellationToken.None)).WaitAsync(cancellationToken).ConfigureAwait(false);
        return answer.DataAsOf == version.AsOf ? answer : answer with { DataAsOf = version.AsOf };
    }

    /// <summary>Checks a selection's codes against the reference tables (a <see cref="SelectionException"/> naming the
    /// parameter), for the pages that query without the metrics path (the overdue list).</summary>
    public async Task ValidateAsync(Selection selection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(selection);
        var names = await ReferenceNames.CurrentAsync(store, cache, cancellationToken).ConfigureAwait(false);
        Validate(selection, names);
    }

    /// <summary>Answers a selection already validated against <paramref name="names"/>, from data at least as fresh as
    /// <paramref name="version"/>.</summary>
    /// <param name="mayLag">Whether the answer may come from mirror rows older than <paramref name="version"/> (an answer not
    /// kept in the cache): its <see cref="KpiResult.DataAsOf"/> is then theirs.</param>
    private async Task<KpiResult> ComputeAsync(
        Selection selection, bool compare, IReadOnlyCollection<MetricDefinition>? asked, ReferenceNames names, DataVersion version, CancellationToken cancellationToken,
        bool mayLag = false)
    {
        var asOf = version.AsOf;
        var buckets = selection.Buckets().Select(p => new Bucket(Current, p)).ToList();
        var comparing = compare && selection.Grain == TimeGrain.None;
        if (comparing)
        {
            buckets.Add(new Bucket(PreviousTag, selection.Period.Previous()));
            buckets.Add(new Bucket(YearAgoTag, selection.Period.YearEarlier()));
        }

        var source = Resolve(selection, buckets);
        var stopwatch = Stopwatch.StartNew();
        // The families' queries are independent: one statement, so one round trip, whose branches ClickHouse runs in parallel.
        // A family none of whose metrics is asked for is not queried.
        var computed = KpiSql.Computed(asked);
        var parts = new List<(MetricFamily, (string, DynamicParameters))>();
        var dossierMetrics = MetricCatalogue.All.Where(m => m.Family == MetricFamily.Dossiers && computed.Contains(m)).ToList();
        var inProcess = InProcessFormulas && dossierMetrics.Count > 0 && Evaluation.InProcessAnswer.Applies(source, buckets, dossierMetrics);
        if (dossierMetrics.Count > 0 && !inProcess)
        {
            parts.Add((MetricFamily.Dossiers, KpiSql.Dossiers(selection, source, buckets, computed)));
        }

        // The feedback items are in the mirror too (any buckets, not only whole months).
        var feedbackMetrics = FeedbackApplies(selection) ? MetricCatalogue.All.Where(m => m.Family == MetricFamily.Feedback && computed.Contains(m)).ToList() : [];
        var feedbackMirrored = InProcessFormulas && RollupMirror is not null && feedbackMetrics.Count > 0 && FeedbackAnswer.Applies(feedbackMetrics)
            ? await RollupMirror.AtAsync(version, cancellationToken, mayLag).ConfigureAwait(false) : null;
        if (feedbackMetrics.Count > 0 && feedbackMirrored is null)
        {
            parts.Add((MetricFamily.Feedback, KpiSql.Feedback(selection, buckets, computed)));
        }

        if (TasksApply(selection) && computed.Any(m => m.Family == MetricFamily.Tasks))
        {
            parts.Add((MetricFamily.Tasks, KpiSql.Tasks(selection, buckets, computed)));
        }

        var rows = new Dictionary<(string Keys, string Tag, DateOnly Start), Row>();
        // The engine's statement (other families, or formulas it alone evaluates) and the month rows run at once.
        var engineTask = parts.Count == 0 ? Task.FromResult(NoRows()) : RunAsync(selection, KpiSql.Union(selection, source, parts, computed), cancellationToken);
        var inProcessTask = inProcess ? EvaluateInProcessAsync(selection, source, buckets, dossierMetrics, version, mayLag, cancellationToken)
            : Task.FromResult<(List<(string[], string, DateOnly, Dictionary<MetricDefinition, double?>)>, DateTimeOffset?)>((NoRows(), version.AsOf));
        var found = await engineTask.ConfigureAwait(false);
        var (evaluated, evaluatedAsOf) = await inProcessTask.ConfigureAwait(false);
        found.AddRange(evaluated);
        asOf = Older(asOf, evaluatedAsOf);
        if (feedbackMirrored is not null)
        {
            found.AddRange(FeedbackAnswer.Evaluate(feedbackMirrored.State, selection, buckets, feedbackMetrics));
            asOf = Older(asOf, feedbackMirrored.AsOf);
        }

        foreach (var (keys, tag, start, values) in found)
        {
            var id = (KeyId(keys), tag, start);
            if (!rows.TryGetValue(id, out var row))
            {
                // The first family's values are the row's (the answers are this method's own): only a second one is copied in.
                rows[id] = new Row(keys, values);
                continue;
            }

            foreach (var (key, value) in values)
            {
                row.Values[key] = value;
            }
        }

        logger.LogDebug("KPI {Period} from {Source}: {Rows} rows in {Elapsed} ms", selection.Period.Key, source, rows.Count, stopwatch.ElapsedMilliseconds);
        return new KpiResult(selection, source, Assemble(selection, buckets, rows, names, comparing, computed)) { DataAsOf = asOf };
    }

    /// <summary>The older of two instants figures are complete up to (null, never refreshed, is the oldest).</summary>
    private static DateTimeOffset? Older(DateTimeOffset? a, DateTimeOffset? b) => a is null || b is null ? null : a < b ? a : b;

    private static string Question(Selection s, bool compare, IReadOnlyCollection<MetricDefinition>? metrics) => string.Join('|',
        s.Period.Kind, s.Period.Start, s.Period.End, s.Geo, s.Grain, s.Source, compare,
        metrics is null ? "*" : string.Join(',', metrics.Select(m => m.Key).Order(StringComparer.Ordinal)),
        string.Join(',', s.GroupBy), string.Join(',', s.Provinces), string.Join(',', s.Sectors), string.Join(',', s.Levels),
        string.Join(',', s.Agencies), string.Join(',', s.Procedures), string.Join(',', s.Channels));

    /// <summary>The SQL the dossier measures of a selection run as (for `reform kpi --show-sql` and for analysts who
    /// want to start from it), with its parameters.</summary>
    public static (string Sql, IReadOnlyDictionary<string, object> Parameters) DossierSql(Selection selection)
    {
        ArgumentNullException.ThrowIfNull(selection);
        var buckets = selection.Buckets().Select(p => new Bucket(Current, p)).ToList();
        var source = Resolve(selection, buckets);
        var (sql, parameters) = KpiSql.Dossiers(selection, source, buckets);
        return (sql + KpiSql.Settings(source), parameters.ParameterNames.ToDictionary(n => n, n => (object)parameters.Get<object>(n), StringComparer.Ordinal));
    }

    /// <summary>The source Auto stands for: the monthly rollup when every bucket is whole months and no agency or
    /// procedure is involved, else the daily aggregate.</summary>
    public static KpiSource Resolve(Selection selection, IReadOnlyList<Bucket> buckets)
    {
        ArgumentNullException.ThrowIfNull(selection);
        ArgumentNullException.ThrowIfNull(buckets);
        return selection.Source != KpiSource.Auto ? selection.Source
            : !selection.NeedsDailyDetail && buckets.All(b => b.Period.IsWholeMonths) ? KpiSource.Monthly
            : KpiSource.Daily;
    }

    public static bool FeedbackApplies(Selection selection) =>
        Uses(selection, d => d is Dimension.Province or Dimension.Sector);

    public static bool TasksApply(Selection selection) => Uses(selection, d => d is Dimension.Province);

    private static bool Uses(Selection selection, Func<Dimension, bool> allowed) =>
        selection.GroupBy.All(allowed) && Enum.GetValues<Dimension>().Where(d => !allowed(d)).All(d => selection.Filter(d).Count == 0);

    /// <summary>Runs the statement of <see cref="KpiSql.Union"/>: its key columns are the selection's grouping, in order, and
    /// each row holds the metrics of the family it names.</summary>
    private async Task<List<(string[] Keys, string Tag, DateOnly Start, Dictionary<MetricDefinition, double?> Values)>> RunAsync(
        Selection selection, (string Sql, DynamicParameters Parameters) query, CancellationToken cancellationToken)
    {
        using var slot = ReadGate is null ? null : await ReadGate.EnterAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = store.CreateConnection();
        var result = await connection.QueryAsync(new CommandDefinition(query.Sql, query.Parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var rows = new List<(string[], string, DateOnly, Dictionary<MetricDefinition, double?>)>();
        foreach (IDictionary<string, object?> record in result)
        {
            var keys = selection.GroupBy.Select(d => Convert.ToString(record[Selection.KeyName(d)], CultureInfo.InvariantCulture) ?? string.Empty).ToArray();
            var values = new Dictionary<MetricDefinition, double?>(ReferenceEqualityComparer.Instance);
            var family = Enum.Parse<MetricFamily>((string)record["family"]!);
            foreach (var metric in MetricCatalogue.All.Where(m => m.Family == family))
            {
                if (record.TryGetValue(metric.Key, out var value))
                {
                    values[metric] = value is null or DBNull ? null : Convert.ToDouble(value, CultureInfo.InvariantCulture);
                }
            }

            rows.Add((keys, (string)record["bucket_tag"]!, DateOnly.FromDateTime(Convert.ToDateTime(record["bucket_start"], CultureInfo.InvariantCulture)), values));
        }

        return rows;
    }

    private static List<(string[] Keys, string Tag, DateOnly Start, Dictionary<MetricDefinition, double?> Values)> NoRows() => [];

    /// <summary>The dossier metrics evaluated in this process from the month rows: the mirror's when it holds them, else
    /// those of one plain statement.</summary>
    private async Task<(List<(string[] Keys, string Tag, DateOnly Start, Dictionary<MetricDefinition, double?> Values)> Answers, DateTimeOffset? AsOf)> EvaluateInProcessAsync(
        Selection selection, KpiSource source, IReadOnlyList<Bucket> buckets, IReadOnlyList<MetricDefinition> metrics, DataVersion version, bool mayLag,
        CancellationToken cancellationToken)
    {
        var needed = BaseMeasures.Needed(metrics);
        var histogram = needed.OfType<DossierMeasure>().Any(m => m.Column.IsMap);
        if (RollupMirror is not null && MirrorAnswer.GrainFor(selection, source, histogram) is { } grain
            && await RollupMirror.AtAsync(version, cancellationToken, mayLag).ConfigureAwait(false) is { } mirrored)
        {
            return (MirrorAnswer.Evaluate(mirrored.State, grain, selection, buckets, metrics, needed), mirrored.AsOf);
        }

        var (sql, parameters) = KpiSql.MonthRows(selection, source, buckets, needed);
        using var slot = ReadGate is null ? null : await ReadGate.EnterAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = store.CreateConnection();
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return (await Evaluation.InProcessAnswer.EvaluateAsync(reader, selection, buckets, metrics, needed, cancellationToken).ConfigureAwait(false), version.AsOf);
    }

    private static List<KpiGroup> Assemble(
        Selection selection, List<Bucket> buckets, Dictionary<(string Keys, string Tag, DateOnly Start), Row> rows, ReferenceNames names, bool comparing,
        IReadOnlySet<MetricDefinition> computed)
    {
        var groups = new List<KpiGroup>();
        // Which metrics an answer carries does not depend on the group: worked out once (a breakdown by agency fills 40
        // metrics three times for hundreds of groups).
        var carried = MetricCatalogue.All.Where(metric => computed.Contains(metric) && metric.Family switch
        {
            MetricFamily.Feedback => FeedbackApplies(selection),
            MetricFamily.Tasks => TasksApply(selection),
            _ => true,
        }).ToHashSet<MetricDefinition>(ReferenceEqualityComparer.Instance);
        // Groups in the order of their keys by dimension name (province before sector whatever the order asked).
        var byName = selection.GroupBy.Select((d, i) => (Name: Selection.KeyName(d), Index: i)).OrderBy(k => k.Name, StringComparer.Ordinal).ToList();
        var keySets = rows.Values.Select(r => r.Keys).DistinctBy(KeyId)
            .OrderBy(keys => string.Join('\u001F', byName.Select(k => k.Name + "=" + keys[k.Index])), StringComparer.Ordinal).ToList();
        if (keySets.Count == 0 && selection.GroupBy.Count == 0)
        {
            keySets.Add([]);
        }

        foreach (var keys in keySets)
        {
            var id = KeyId(keys);
            foreach (var bucket in buckets.Where(b => b.Tag == Current))
            {
                var values = Complete(rows.GetValueOrDefault((id, Current, bucket.Period.Start))?.Values, carried);
                groups.Add(new KpiGroup(
                    Named(keys, selection, names),
                    bucket.Period,
                    values,
                    comparing ? Complete(rows.GetValueOrDefault((id, PreviousTag, selection.Period.Previous().Start))?.Values, carried) : null,
                    comparing ? Complete(rows.GetValueOrDefault((id, YearAgoTag, selection.Period.YearEarlier().Start))?.Values, carried) : null));
            }
        }

        return groups;
    }

    /// <summary>Every metric, with 0 for the counts of a group that had no rows and null where a rate is undefined, the
    /// metric's family does not apply to the selection or the metric was not computed.</summary>
    private static MetricValues Complete(Dictionary<MetricDefinition, double?>? values, HashSet<MetricDefinition> carried) =>
        MetricValues.Of(metric => !carried.Contains(metric) ? null
            : values is not null && values.TryGetValue(metric, out var v) ? v
            : metric.Unit == MetricUnit.Count ? 0 : null);

    private static List<GroupKey> Named(string[] keys, Selection selection, ReferenceNames names) =>
        selection.GroupBy.Select((dimension, i) => new GroupKey(dimension, keys[i], names.Name(dimension, keys[i], selection.Geo))).ToList();

    private static void Validate(Selection selection, ReferenceNames names)
    {
        if (selection.Period.Start < new DateOnly(2015, 1, 1) || selection.Period.End > new DateOnly(2030, 12, 31))
        {
            throw new SelectionException("period: kỳ báo cáo phải nằm trong khoảng 01/01/2015 đến 31/12/2030.");
        }

        foreach (var code in selection.Provinces.Where(c => !names.ProvinceExists(selection.Geo, c)))
        {
            throw new SelectionException(selection.Geo == 2025
                ? $"province: mã tỉnh \"{code}\" không có trong 34 tỉnh, thành phố (địa giới 2025)."
                : $"province: mã tỉnh \"{code}\" không có trong 63 tỉnh, thành phố (địa giới 2008).");
        }

        foreach (var code in selection.Sectors.Where(c => !names.SectorExists(c)))
        {
            throw new SelectionException($"sector: mã lĩnh vực \"{code}\" không có trong danh mục lĩnh vực.");
        }

        foreach (var code in selection.Agencies.Where(c => !names.AgencyExists(c)))
        {
            throw new SelectionException($"agency: mã cơ quan \"{code}\" không có trong danh sách cơ quan và chưa tiếp nhận hồ sơ nào.");
        }

        foreach (var code in selection.Procedures.Where(c => !names.ProcedureExists(c)))
        {
            throw new SelectionException($"procedure: mã thủ tục \"{code}\" không có trong danh mục thủ tục.");
        }

        foreach (var level in selection.Levels.Where(l => !LevelCodes.Contains(l)))
        {
            throw new SelectionException($"level: cấp \"{level}\" không hợp lệ; dùng province, district hoặc commune.");
        }

        foreach (var channel in selection.Channels.Where(c => !ChannelCodes.Contains(c)))
        {
            throw new SelectionException($"channel: kênh \"{channel}\" không hợp lệ; dùng direct, online hoặc postal.");
        }
    }

    private static string KeyId(string[] keys) => string.Join('\u001F', keys);

    private sealed record Row(string[] Keys, Dictionary<MetricDefinition, double?> Values);
}

public sealed class SelectionException(string message) : Exception(message);

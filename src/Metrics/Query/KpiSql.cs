using System.Globalization;
using System.Text;
using Dapper;
using ReformMetrics.Metrics.Catalogue;
using ReformMetrics.Metrics.Periods;

namespace ReformMetrics.Metrics.Query;

/// <summary>A period the query computes, tagged current, previous or year_ago.</summary>
public sealed record Bucket(string Tag, Period Period);

/// <summary>
/// Turns a selection into parameterised ClickHouse SQL. Every bucket (the period, its months or quarters, and the
/// comparison periods) is computed in one pass: the source rows are ARRAY JOINed with the buckets' bounds and the
/// measures are conditional sums relative to each bucket (see <see cref="Measures"/>); the metrics are expressions over
/// those sums, read from the catalogue. Nothing is computed row by row outside ClickHouse.
/// </summary>
internal static class KpiSql
{
    private static readonly IReadOnlyList<MetricDefinition> DossierMetrics = Family(MetricFamily.Dossiers);
    private static readonly IReadOnlyList<MetricDefinition> FeedbackMetrics = Family(MetricFamily.Feedback);
    private static readonly IReadOnlyList<MetricDefinition> TaskMetrics = Family(MetricFamily.Tasks);

    // Only the base measures some metric reads are summed.
    private static readonly IReadOnlyList<BaseMeasure> DossierMeasures = BaseMeasures.Needed(DossierMetrics);

    public static (string Sql, DynamicParameters Parameters) Dossiers(Selection selection, KpiSource source, IReadOnlyList<Bucket> buckets)
    {
        var state = source is KpiSource.DossierState or KpiSource.LiveEvents;
        var table = source switch
        {
            KpiSource.Monthly => "(SELECT *, month AS t FROM kpi_monthly)",
            KpiSource.Daily => "(SELECT *, day AS t FROM kpi_daily)",
            KpiSource.DossierState => Measures.StateSource("dossier_state"),
            _ => Measures.StateSource("v_dossier_state_live"),
        };
        var parameters = BucketParameters(buckets);
        var keys = KeyExpressions(selection, state);
        var sums = DossierMeasures.OfType<DossierMeasure>().Select(m => Sum(state ? m.OverState : Measures.OverAggregates(m), m));
        var where = Filters(selection, parameters, state, d => true);
        // Rows after a bucket's end never count in it; the stock measures need every row before it. A dossier's return
        // and rating come after its receipt, so rd <= be keeps every dossier a bucket needs.
        where.Add(state ? "rd <= be" : "t <= be");
        return (Assemble(keys, sums, table, where, DossierMeasures.OfType<DerivedMeasure>().Select(m => $"{m.Sql} AS {m.Name}"), Metrics(DossierMetrics)), parameters);
    }

    /// <summary>Feedback items: only the province and sector filters and groupings apply to them.</summary>
    public static (string Sql, DynamicParameters Parameters) Feedback(Selection selection, IReadOnlyList<Bucket> buckets)
    {
        var parameters = BucketParameters(buckets);
        var keys = KeyExpressions(selection, state: true);
        var sums = Items(FeedbackMetrics);
        var table = "(SELECT *, toDate(received_at) AS rd FROM v_feedback)";
        var where = Filters(selection, parameters, state: true, d => d is Dimension.Province or Dimension.Sector);
        return ("WITH (SELECT cal FROM v_calendar) AS cal\n" + Assemble(keys, sums, table, where, [], Metrics(FeedbackMetrics)), parameters);
    }

    /// <summary>The task register, as it stood at each bucket's end, for the plan years the bucket touches.</summary>
    public static (string Sql, DynamicParameters Parameters) Tasks(Selection selection, IReadOnlyList<Bucket> buckets)
    {
        var parameters = BucketParameters(buckets);
        var keys = KeyExpressions(selection, state: true);
        var sums = Items(TaskMetrics);
        var where = Filters(selection, parameters, state: true, d => d is Dimension.Province);
        return (Assemble(keys, sums, "v_tasks", where, [], Metrics(TaskMetrics)), parameters);
    }

    /// <summary>
    /// The queries of several families as one statement (one round trip, the branches run in parallel in ClickHouse):
    /// each branch keeps the key and bucket columns, says its family, and carries every metric of the catalogue, NULL
    /// where the metric belongs to another family, so that the branches have the same columns.
    /// </summary>
    public static (string Sql, DynamicParameters Parameters) Union(
        Selection selection, KpiSource source, IReadOnlyList<(MetricFamily Family, (string Sql, DynamicParameters Parameters) Query)> parts)
    {
        var parameters = new DynamicParameters();
        var branches = new List<string>();
        foreach (var (family, (sql, branchParameters)) in parts)
        {
            // The branches bind the same names to the same values (the buckets and the filters of one selection).
            foreach (var name in branchParameters.ParameterNames.Where(n => !parameters.ParameterNames.Contains(n, StringComparer.Ordinal)))
            {
                parameters.Add(name, branchParameters.Get<object>(name));
            }

            var columns = selection.GroupBy.Select(Selection.KeyName).Concat(["bucket_tag", "bucket_start", $"'{family}' AS family"])
                .Concat(MetricCatalogue.All.Select(m => m.Family == family ? m.Key : $"NULL AS {m.Key}"));
            branches.Add($"SELECT {string.Join(", ", columns)}\nFROM (\n{sql}\n)");
        }

        return (string.Join("\nUNION ALL\n", branches) + Settings(source), parameters);
    }

    /// <summary>The settings a statement over <paramref name="source"/> ends with. Computing every dossier from its events
    /// holds them all in one aggregation: at national scale it must spill to disk rather than fail at the server's
    /// memory limit.</summary>
    public static string Settings(KpiSource source) => source == KpiSource.LiveEvents
        ? "\nSETTINGS max_bytes_before_external_group_by = 2000000000, max_bytes_before_external_sort = 2000000000"
        : string.Empty;

    private static List<MetricDefinition> Family(MetricFamily family) => MetricCatalogue.All.Where(m => m.Family == family).ToList();

    // Counts are read as Int64 whatever the sum's type; a histogram stays a Map.
    private static string Sum(string expression, DossierMeasure measure) =>
        measure.Column.IsMap ? $"{expression} AS {measure.Name}" : $"toInt64({expression}) AS {measure.Name}";

    private static IEnumerable<string> Items(IReadOnlyList<MetricDefinition> metrics) =>
        BaseMeasures.Needed(metrics).OfType<ItemMeasure>().Select(m => $"toInt64({m.OverItems}) AS {m.Name}");

    private static IEnumerable<string> Metrics(IReadOnlyList<MetricDefinition> metrics) =>
        metrics.Select(m => $"{(m.Unit == MetricUnit.Count ? $"toInt64({m.Sql})" : m.Sql)} AS {m.Key}");

    private static string Assemble(
        List<(string Name, string Expression)> keys, IEnumerable<string> sums, string table, List<string> where, IEnumerable<string> derived, IEnumerable<string> metrics)
    {
        var keyNames = keys.Select(k => k.Name).Concat(["bucket_tag", "bucket_start", "bucket_end"]).ToList();
        var inner = new StringBuilder()
            .Append("SELECT ").AppendJoin(", ", keys.Select(k => $"{k.Expression} AS {k.Name}"))
            .Append(keys.Count > 0 ? ", " : string.Empty)
            .Append("bt AS bucket_tag, bs AS bucket_start, be AS bucket_end,\n    ").AppendJoin(",\n    ", sums)
            .Append("\nFROM ").Append(table)
            .Append("\nARRAY JOIN @bucket_tags AS bt, arrayMap(x -> toDate(x), @bucket_starts) AS bs, arrayMap(x -> toDate(x), @bucket_ends) AS be")
            .Append("\nWHERE ").AppendJoin(" AND ", where.Count > 0 ? where : ["1"])
            .Append("\nGROUP BY ").AppendJoin(", ", keyNames);
        return new StringBuilder()
            .Append("SELECT ").AppendJoin(", ", keyNames).Append(",\n    ")
            .AppendJoin(",\n    ", derived.Concat(metrics))
            .Append("\nFROM (\n").Append(inner).Append("\n)\nORDER BY ").AppendJoin(", ", keyNames)
            .ToString();
    }

    private static List<(string Name, string Expression)> KeyExpressions(Selection selection, bool state) =>
        selection.GroupBy.Select(d => (Selection.KeyName(d), Column(d, selection.Geo, state))).ToList();

    private static List<string> Filters(Selection selection, DynamicParameters parameters, bool state, Func<Dimension, bool> applies)
    {
        var where = new List<string>();
        foreach (var dimension in Enum.GetValues<Dimension>().Where(applies))
        {
            var values = selection.Filter(dimension);
            if (values.Count == 0)
            {
                continue;
            }

            var name = "f_" + Selection.KeyName(dimension);
            parameters.Add(name, values.ToArray());
            where.Add($"has(@{name}, {Column(dimension, selection.Geo, state)})");
        }

        return where;
    }

    /// <summary>The column of a dimension; over the dossier state the nullable enumerations read as strings.</summary>
    public static string Column(Dimension dimension, int geo, bool state) => dimension switch
    {
        Dimension.Province => geo == 2008 ? "toString(province_2008)" : "toString(province_2025)",
        Dimension.Sector => "toString(sector_code)",
        Dimension.Agency => "toString(agency_code)",
        Dimension.Procedure => "toString(procedure_code)",
        Dimension.Level => state ? "ifNull(toString(level), '')" : "toString(level)",
        _ => state ? "ch" : "toString(channel)",
    };

    private static DynamicParameters BucketParameters(IReadOnlyList<Bucket> buckets)
    {
        var parameters = new DynamicParameters();
        parameters.Add("bucket_tags", buckets.Select(b => b.Tag).ToArray());
        parameters.Add("bucket_starts", buckets.Select(b => b.Period.Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).ToArray());
        parameters.Add("bucket_ends", buckets.Select(b => b.Period.End.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).ToArray());
        return parameters;
    }
}

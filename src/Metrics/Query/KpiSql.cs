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

    /// <summary>The metrics a statement computes for a question that asks for <paramref name="asked"/> (null: every
    /// metric): those of the catalogue asked for and the metrics their formulas read, in catalogue order. Only the base
    /// measures these read are summed, so a page that shows six figures does not make ClickHouse analyse forty.</summary>
    public static IReadOnlySet<MetricDefinition> Computed(IReadOnlyCollection<MetricDefinition>? asked)
    {
        if (asked is null)
        {
            return Everything;
        }

        var needed = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<MetricDefinition>(asked);
        while (pending.TryPop(out var metric))
        {
            if (!needed.Add(metric.Key))
            {
                continue;
            }

            foreach (var input in metric.Inputs)
            {
                if (MetricCatalogue.TryGet(input, out var read))
                {
                    pending.Push(read);
                }
            }
        }

        return MetricCatalogue.All.Where(m => needed.Contains(m.Key)).ToHashSet<MetricDefinition>(ReferenceEqualityComparer.Instance);
    }

    private static readonly HashSet<MetricDefinition> Everything = MetricCatalogue.All.ToHashSet<MetricDefinition>(ReferenceEqualityComparer.Instance);

    public static (string Sql, DynamicParameters Parameters) Dossiers(
        Selection selection, KpiSource source, IReadOnlyList<Bucket> buckets, IReadOnlySet<MetricDefinition>? computed = null)
    {
        var metrics = computed is null ? DossierMetrics : DossierMetrics.Where(computed.Contains).ToList();
        var measures = BaseMeasures.Needed(metrics);
        var state = source is KpiSource.DossierState or KpiSource.LiveEvents;
        var parameters = BucketParameters(buckets);
        var table = source switch
        {
            KpiSource.Monthly => Presummed(selection, "kpi_monthly", "month", measures, parameters),
            // Whole months need no day: the daily rows are added up by month first (for the agency and procedure
            // breakdowns of whole months, which the monthly rollup lacks).
            KpiSource.Daily when buckets.All(b => b.Period.IsWholeMonths) => Presummed(selection, "kpi_daily", "toStartOfMonth(day)", measures, parameters),
            KpiSource.Daily => Presummed(selection, "kpi_daily", "day", measures, parameters),
            KpiSource.DossierState => Measures.StateSource("dossier_state"),
            _ => Measures.StateSource("v_dossier_state_live"),
        };
        var keys = KeyExpressions(selection, state);
        var sums = measures.OfType<DossierMeasure>().Select(m => Sum(state ? m.OverState : Measures.OverAggregates(m), m));
        // Over the pre-aggregates the filters were applied while their rows were added up.
        var where = state ? Filters(selection, parameters, state, d => true) : [];
        // Rows after a bucket's end never count in it; the stock measures need every row before it. A dossier's return
        // and rating come after its receipt, so rd <= be keeps every dossier a bucket needs.
        where.Add(state ? "rd <= be" : "t <= be");
        return (Assemble(keys, sums, table, where, measures.OfType<DerivedMeasure>().Select(m => $"{m.Sql} AS {m.Name}"), Metrics(metrics)), parameters);
    }

    /// <summary>
    /// The rows of a pre-aggregate the buckets need, added up first by the columns the selection groups or filters by, the
    /// time column <c>t</c> (a day or a month) and the submission channel (the measures split by channel read it): the
    /// table's delta rows (several per key until merges add them up: never one per key) become a few summed rows before
    /// the conditional sums of every bucket run over them. Sums of integers in two steps are the same sums.
    /// </summary>
    private static string Presummed(Selection selection, string table, string time, IReadOnlyList<BaseMeasure> measures, DynamicParameters parameters) =>
        $"({PresummedSelect(selection, table, time, measures, parameters)})";

    /// <summary>
    /// The rows of <see cref="Presummed"/> themselves, for answers evaluated in process (<see cref="Evaluation.InProcessAnswer"/>):
    /// one trivial statement (sums of columns grouped by a few keys), whose analysis costs the engine a fraction of the
    /// conditional sums and formulas over them. Columns: the raw column of each grouping dimension (<see cref="RawColumn"/>),
    /// <c>channel</c>, <c>t</c> (the first day of a month) and one column per pre-aggregate column the metrics read.
    /// </summary>
    public static (string Sql, DynamicParameters Parameters) MonthRows(Selection selection, KpiSource source, IReadOnlyList<Bucket> buckets, IReadOnlyList<BaseMeasure> measures)
    {
        var parameters = BucketParameters(buckets);
        // The months before the first bucket count only in the stocks, the same in every bucket: folded into one row a
        // group (dated the day before the first bucket), so that a breakdown by agency does not read every month since the
        // data begins. Months are whole and buckets start on a month's first day, so each row counts where it did.
        static string Folded(string month) => $"greatest({month}, toDate(arrayMin(@bucket_starts)) - 1)";
        var sql = source switch
        {
            KpiSource.Monthly => PresummedSelect(selection, "kpi_monthly", "month", measures, parameters, Folded("month")),
            KpiSource.Daily when buckets.All(b => b.Period.IsWholeMonths) =>
                PresummedSelect(selection, "kpi_daily", "toStartOfMonth(day)", measures, parameters, Folded("toStartOfMonth(day)")),
            _ => throw new ArgumentException($"Rows by month come from the pre-aggregates over whole months, not {source}.", nameof(source)),
        };
        return (sql, parameters);
    }

    private static string PresummedSelect(
        Selection selection, string table, string time, IReadOnlyList<BaseMeasure> measures, DynamicParameters parameters, string? timeKey = null)
    {
        var dimensions = selection.GroupBy.Concat(Enum.GetValues<Dimension>().Where(d => selection.Filter(d).Count > 0))
            .Select(d => RawColumn(d, selection.Geo)).Append("channel").Distinct(StringComparer.Ordinal).ToList();
        var columns = measures.OfType<DossierMeasure>().Select(m => m.Column).Distinct().Select(c => $"{c.Rollup} AS {c.Name}");
        var where = Filters(selection, parameters, state: false, d => true);
        where.Add($"{time} <= toDate(arrayMax(@bucket_ends))");
        return new StringBuilder()
            .Append("SELECT ").AppendJoin(", ", dimensions).Append(", ").Append(timeKey ?? time).Append(" AS t, ").AppendJoin(", ", columns)
            .Append(" FROM ").Append(table)
            .Append(" WHERE ").AppendJoin(" AND ", where)
            .Append(" GROUP BY ").AppendJoin(", ", dimensions).Append(", t")
            .ToString();
    }

    /// <summary>The pre-aggregates' column a dimension reads.</summary>
    public static string RawColumn(Dimension dimension, int geo) => dimension switch
    {
        Dimension.Province => geo == 2008 ? "province_2008" : "province_2025",
        Dimension.Sector => "sector_code",
        Dimension.Agency => "agency_code",
        Dimension.Procedure => "procedure_code",
        Dimension.Level => "level",
        _ => "channel",
    };

    /// <summary>Feedback items: only the province and sector filters and groupings apply to them.</summary>
    public static (string Sql, DynamicParameters Parameters) Feedback(Selection selection, IReadOnlyList<Bucket> buckets, IReadOnlySet<MetricDefinition>? computed = null)
    {
        var metrics = computed is null ? FeedbackMetrics : FeedbackMetrics.Where(computed.Contains).ToList();
        var parameters = BucketParameters(buckets);
        var keys = KeyExpressions(selection, state: true);
        var sums = Items(metrics);
        var table = "(SELECT *, toDate(received_at) AS rd FROM v_feedback)";
        var where = Filters(selection, parameters, state: true, d => d is Dimension.Province or Dimension.Sector);
        return ("WITH (SELECT cal FROM v_calendar) AS cal\n" + Assemble(keys, sums, table, where, [], Metrics(metrics)), parameters);
    }

    /// <summary>The task register, as it stood at each bucket's end, for the plan years the bucket touches.</summary>
    public static (string Sql, DynamicParameters Parameters) Tasks(Selection selection, IReadOnlyList<Bucket> buckets, IReadOnlySet<MetricDefinition>? computed = null)
    {
        var metrics = computed is null ? TaskMetrics : TaskMetrics.Where(computed.Contains).ToList();
        var parameters = BucketParameters(buckets);
        var keys = KeyExpressions(selection, state: true);
        var sums = Items(metrics);
        var where = Filters(selection, parameters, state: true, d => d is Dimension.Province);
        return (Assemble(keys, sums, "v_tasks", where, [], Metrics(metrics)), parameters);
    }

    /// <summary>
    /// The queries of several families as one statement (one round trip, the branches run in parallel in ClickHouse):
    /// each branch keeps the key and bucket columns, says its family, and carries every metric of the catalogue, NULL
    /// where the metric belongs to another family, so that the branches have the same columns.
    /// </summary>
    public static (string Sql, DynamicParameters Parameters) Union(
        Selection selection, KpiSource source, IReadOnlyList<(MetricFamily Family, (string Sql, DynamicParameters Parameters) Query)> parts,
        IReadOnlySet<MetricDefinition>? computed = null)
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
                .Concat(MetricCatalogue.All.Select(m => m.Family == family && (computed is null || computed.Contains(m)) ? m.Key : $"NULL AS {m.Key}"));
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

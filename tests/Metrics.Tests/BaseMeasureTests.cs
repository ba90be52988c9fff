using ReformMetrics.Ingest.Records;
using ReformMetrics.Metrics.Catalogue;
using ReformMetrics.Metrics.Query;
using ReformMetrics.Store.Refresh;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Metrics.Tests;

/// <summary>The catalogue is the only definition: every formula reads declared inputs only, every pre-aggregate column
/// has its measure, and what is generated from the catalogue (the analysts' views, their documentation) or copied from it
/// (the target indicators of ingestion) is what the catalogue says.</summary>
public sealed class BaseMeasureTests
{
    [Fact]
    public void Every_formula_reads_only_base_measures_and_metrics_of_its_family_and_no_metric_depends_on_itself()
    {
        foreach (var metric in MetricCatalogue.All)
        {
            Assert.NotEmpty(metric.Inputs);
            foreach (var input in metric.Inputs)
            {
                var family = BaseMeasures.TryGet(input, out var measure) ? measure.Family
                    : MetricCatalogue.TryGet(input, out var other) ? other.Family
                    : throw new Xunit.Sdk.XunitException($"{metric.Key} reads {input}, which is neither a base measure nor a metric");
                Assert.True(family == metric.Family, $"{metric.Key} ({metric.Family}) reads {input} of {family}");
            }

            Assert.DoesNotContain(metric.Key, Reachable(metric));
        }
    }

    [Fact]
    public void Derived_measures_read_declared_base_measures_and_names_are_unique_and_prefixed()
    {
        var names = BaseMeasures.All.Select(m => m.Name).ToList();

        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.All(names, n => Assert.StartsWith("b_", n, StringComparison.Ordinal));
        Assert.Empty(names.Intersect(MetricCatalogue.All.Select(m => m.Key)));
        foreach (var derived in BaseMeasures.All.OfType<DerivedMeasure>())
        {
            Assert.All(Formula.Identifiers(derived.Sql), input => Assert.True(BaseMeasures.TryGet(input, out var m) && m is not DerivedMeasure, $"{derived.Name} reads {input}"));
        }
    }

    [Fact]
    public void Every_base_measure_is_read_by_a_metric_or_shown_in_the_analysts_views()
    {
        var needed = BaseMeasures.Needed(MetricCatalogue.All).Select(m => m.Name).ToHashSet();
        var shown = KpiViews.MeasureColumns.Select(m => m.Name);

        Assert.Empty(BaseMeasures.All.Select(m => m.Name).Except(needed).Except(shown));
    }

    [Fact]
    public void Every_pre_aggregate_column_has_a_base_measure_and_stocks_are_deltas()
    {
        var dossier = BaseMeasures.All.OfType<DossierMeasure>().ToList();

        Assert.Empty(PreAggregates.Measures.Except(dossier.Select(m => m.Column)));
        Assert.All(dossier.Where(m => m.Timing != Timing.InPeriod), m =>
        {
            Assert.EndsWith("_delta", m.Column.Name, StringComparison.Ordinal);
            Assert.Null(m.Channel);
        });
        Assert.All(dossier.Where(m => m.Timing == Timing.InPeriod), m => Assert.DoesNotContain("_delta", m.Column.Name, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("(b_resolved_overdue_766 + in_progress_overdue) / nullIf(received_total, 0)", "b_resolved_overdue_766,in_progress_overdue,received_total")]
    [InlineData("if(b_processing_n = 0, NULL, arrayFirst((x, c) -> c >= b_processing_n * 0.5, b_processing_sorted, arrayCumSum(arrayMap(x -> x.2, b_processing_sorted))).1)",
        "b_processing_n,b_processing_sorted")]
    [InlineData("countIf(status = 'in_progress' AND due_date < be)", "status,due_date,be")]
    public void A_formula_s_inputs_are_its_names_less_functions_keywords_lambda_parameters_and_literals(string sql, string inputs)
    {
        Assert.Equal(inputs.Split(','), Formula.Identifiers(sql));
    }

    [Fact]
    public void The_target_indicators_ingestion_accepts_are_the_rates_of_the_catalogue()
    {
        Assert.Equal(MetricCatalogue.All.Where(m => m.Unit == MetricUnit.Rate).Select(m => m.Key), TargetIndicators.All);
        var text = File.ReadAllText(Path.Combine(Repository.Root, TargetIndicatorsFile.RepositoryPath)).Replace("\r\n", "\n", StringComparison.Ordinal);
        Assert.True(text == TargetIndicatorsFile.Render(), $"{TargetIndicatorsFile.RepositoryPath} is stale: run ./reform docs");
    }

    [Fact]
    public void The_kpi_views_file_is_the_rendering_of_the_catalogue()
    {
        var path = Path.Combine(Repository.Root, KpiViews.RepeatablePath);

        Assert.Equal(KpiViews.Render(), File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [Fact]
    public void The_column_tables_of_the_kpi_views_in_docs_sql_views_md_are_the_rendering_of_the_catalogue()
    {
        var document = File.ReadAllText(Path.Combine(Repository.Root, "docs", "sql-views.md")).Replace("\r\n", "\n", StringComparison.Ordinal);

        Assert.Equal(KpiViews.UpdateDocument(document), document);
    }

    [Fact]
    public void The_kpi_views_compute_every_metric_with_the_catalogue_formula()
    {
        var sql = KpiViews.Render();

        Assert.All(KpiViews.Metrics, m => Assert.Contains($"    {m.Sql} AS {m.Key},\n", sql, StringComparison.Ordinal));
        Assert.Contains("(b_resolved_overdue_766 + in_progress_overdue) / nullIf(received_total, 0) AS late_rate_766", sql, StringComparison.Ordinal);
    }

    private static HashSet<string> Reachable(MetricDefinition metric)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(metric.Inputs);
        while (pending.TryPop(out var name))
        {
            if (seen.Add(name) && MetricCatalogue.TryGet(name, out var other))
            {
                foreach (var input in other.Inputs)
                {
                    pending.Push(input);
                }
            }
        }

        return seen;
    }
}

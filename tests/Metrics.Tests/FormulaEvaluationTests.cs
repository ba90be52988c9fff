using System.Globalization;
using ReformMetrics.Metrics.Catalogue;
using ReformMetrics.Metrics.Query.Evaluation;

namespace ReformMetrics.Metrics.Tests;

/// <summary>The in-process evaluation of the catalogue's formulas, by hand-computed values: ClickHouse's rules for
/// NULL, Int64 and Float64, and the histogram percentiles. (Equality with the engine on generated data:
/// GeneratedDataTests.InProcess.)</summary>
public sealed class FormulaEvaluationTests
{
    [Fact]
    public void Every_dossier_formula_and_derived_measure_is_in_the_subset_evaluated_in_process()
    {
        foreach (var metric in MetricCatalogue.All.Where(m => m.Family == MetricFamily.Dossiers))
        {
            Assert.NotNull(FormulaParser.Parse(metric.Sql));
        }

        foreach (var derived in BaseMeasures.All.OfType<DerivedMeasure>())
        {
            Assert.NotNull(FormulaParser.Parse(derived.Sql));
        }
    }

    // Expected values with their ClickHouse type: Int64 ("7 Int64"), Float64 ("1.75 Float64") or NULL.
    public static TheoryData<string, string> Cases() => new()
    {
        { "(a + b) / nullIf(c, 0)", "1.75 Float64" },
        { "(a + b) / nullIf(z, 0)", "NULL" },         // a zero denominator: no rate
        { "1 - (a / nullIf(z, 0))", "NULL" },         // NULL propagates through arithmetic
        { "1 - a / c", "0.25 Float64" },
        { "a + b", "7 Int64" },                       // integers stay integers
        { "a - c * b", "-13 Int64" },
        { "a * 0.5", "1.5 Float64" },
        { "a / b", "0.75 Float64" },                  // division is always Float64
        { "toInt64(a / b)", "0 Int64" },              // toInt64 truncates
        { "toInt64(-7 / 2)", "-3 Int64" },
        { "if(z = 0, NULL, a)", "NULL" },
        { "if(z >= 1, 1, 2)", "2 Int64" },
        { "a >= 3 AND b < 4", "0 Int64" },
        { "a >= 3 OR b < 4", "1 Int64" },
        { "nullIf(a, 3)", "NULL" },
        { "nullIf(a, 4)", "3 Int64" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Formulas_follow_ClickHouse_rules(string formula, string expected)
    {
        var values = new Dictionary<string, object?> { ["a"] = 3L, ["b"] = 4L, ["c"] = 4L, ["z"] = 0L };
        var actual = FormulaParser.Parse(formula).Evaluate(new FormulaScope(name => values[name]));
        Assert.Equal(expected, actual switch
        {
            null => "NULL",
            long l => string.Create(CultureInfo.InvariantCulture, $"{l} Int64"),
            double d => string.Create(CultureInfo.InvariantCulture, $"{d:R} Float64"),
            _ => actual.GetType().Name,
        });
    }

    [Fact]
    public void The_median_p90_and_mean_of_the_processing_days_come_from_the_histogram()
    {
        // 1 working day: 2 dossiers, 3 days: 5, 10 days: 3 (10 dossiers). Median: the 5th dossier lies at 3 days; p90:
        // the 9th at 10 days; mean: (2 + 15 + 30) / 10 = 4.7.
        var histogram = new SortedDictionary<long, long> { [10] = 3, [1] = 2, [3] = 5 };
        var values = new Dictionary<string, object?> { ["b_processing_wd_hist"] = histogram };
        object? Resolve(string name)
        {
            if (!values.TryGetValue(name, out var value))
            {
                var derived = BaseMeasures.All.OfType<DerivedMeasure>().Single(m => m.Name == name);
                values[name] = value = FormulaParser.Parse(derived.Sql).Evaluate(new FormulaScope(Resolve));
            }

            return value;
        }

        var scope = new FormulaScope(Resolve);
        Assert.Equal(3L, FormulaParser.Parse(MetricCatalogue.Get("processing_days_median").Sql).Evaluate(scope));
        Assert.Equal(10L, FormulaParser.Parse(MetricCatalogue.Get("processing_days_p90").Sql).Evaluate(scope));
        Assert.Equal(4.7, FormulaParser.Parse(MetricCatalogue.Get("processing_days_mean").Sql).Evaluate(scope));

        values.Clear();
        values["b_processing_wd_hist"] = new SortedDictionary<long, long>();
        Assert.Null(FormulaParser.Parse(MetricCatalogue.Get("processing_days_median").Sql).Evaluate(new FormulaScope(Resolve)));
    }

    [Theory]
    [InlineData("quantile(0.5)(a)")]
    [InlineData("sumIf(a, b > 1)")]
    [InlineData("a % 2")]
    [InlineData("'text'")]
    [InlineData("a +")]
    public void A_formula_outside_the_subset_is_refused_so_the_engine_answers_it(string formula) =>
        Assert.Throws<NotSupportedException>(() => FormulaParser.Parse(formula));
}

using ReformMetrics.Metrics.Catalogue;
using ReformMetrics.Metrics.Index766;
using ReformMetrics.Metrics.Periods;
using ReformMetrics.Metrics.Query;
using ReformMetrics.Metrics.Rankings;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Metrics.Tests;

/// <summary>The catalogue, periods, ranking and the 766 scoring rule: pure logic, hand-computed.</summary>
public sealed class CatalogueTests
{
    [Fact]
    public void The_catalogue_has_every_contract_key_of_the_domain_once()
    {
        string[] contract =
        [
            "carried_over", "received_new", "received_online", "received_direct", "received_postal", "received_total", "resolved_total",
            "resolved_early", "resolved_on_time", "resolved_overdue", "withdrawn", "in_progress", "in_progress_within_deadline",
            "in_progress_overdue", "apologized_overdue", "on_time_rate", "on_time_rate_of_received", "early_rate", "overdue_rate",
            "overdue_rate_of_received", "late_rate_766", "on_time_rate_766", "resolution_rate", "online_share", "postal_share",
            "direct_share", "online_share_enabled", "postal_return_share", "online_payment_share", "satisfaction_index", "apology_rate",
            "processing_days_median", "processing_days_p90", "feedback_resolution_rate", "tasks_total", "tasks_done_on_time",
            "tasks_done_late", "tasks_done_awaiting_confirmation", "tasks_in_progress_on_time", "tasks_in_progress_overdue",
        ];

        var keys = MetricCatalogue.All.Select(m => m.Key).ToList();
        Assert.Equal(keys.Count, keys.Distinct().Count());
        Assert.Empty(contract.Except(keys));
        Assert.All(MetricCatalogue.All, m => Assert.False(string.IsNullOrWhiteSpace(m.Label + m.Source + m.Definition)));
    }

    [Fact]
    public void Every_metric_has_its_own_Vietnamese_explanation_for_readers_of_reports()
    {
        Assert.All(MetricCatalogue.All, m =>
        {
            var text = MetricExplanations.For(m.Key);
            Assert.False(string.IsNullOrWhiteSpace(text), m.Key);
            Assert.Equal(text, m.Explanation);
            Assert.Matches("[ăâđêôơưạảấầẩậắằẳặẹẻếềểệịỉọỏốồổộớờởợụủứừửựỳỷỹ]", text!);
        });
        Assert.Equal(MetricCatalogue.All.Count, MetricCatalogue.All.Select(m => m.Explanation).Distinct().Count());
    }

    [Fact]
    public void Docs_metrics_md_is_the_rendering_of_the_catalogue()
    {
        var path = Path.Combine(Repository.Root, "docs", "metrics.md");

        Assert.Equal(MetricsDocument.Render(), File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("2024-09", "2024-09-01", "2024-09-30", "2024-08-01", "2024-08-31", "2023-09-01", "Tháng 9/2024")]
    [InlineData("2024-Q1", "2024-01-01", "2024-03-31", "2023-10-01", "2023-12-31", "2023-01-01", "Quý I/2024")]
    [InlineData("2024-H2", "2024-07-01", "2024-12-31", "2024-01-01", "2024-06-30", "2023-07-01", "6 tháng cuối năm 2024")]
    [InlineData("2024-9M", "2024-01-01", "2024-09-30", "2023-01-01", "2023-09-30", "2023-01-01", "9 tháng năm 2024")]
    [InlineData("2024", "2024-01-01", "2024-12-31", "2023-01-01", "2023-12-31", "2023-01-01", "Năm 2024")]
    [InlineData("2024-02-10..2024-02-29", "2024-02-10", "2024-02-29", "2024-01-21", "2024-02-09", "2023-02-10", "Từ 10/02/2024 đến 29/02/2024")]
    [InlineData("2026-YTD", "2026-01-01", "2026-11-29", "2025-01-01", "2025-11-29", "2025-01-01", "Từ đầu năm 2026 đến 29/11/2026")]
    public void Periods_parse_and_compare(string text, string start, string end, string previousStart, string previousEnd, string yearAgoStart, string label)
    {
        var period = Period.Parse(text, new DateOnly(2026, 11, 29));

        Assert.Equal((D(start), D(end)), (period.Start, period.End));
        Assert.Equal((D(previousStart), D(previousEnd)), (period.Previous().Start, period.Previous().End));
        Assert.Equal(D(yearAgoStart), period.YearEarlier().Start);
        Assert.Equal(label, period.Label);
    }

    [Theory]
    [InlineData("2024-09", "2024-08-15", "2024-09-14")]
    [InlineData("2024-Q1", "2023-12-15", "2024-03-14")]
    [InlineData("2024-H1", "2023-12-15", "2024-06-14")]
    [InlineData("2024-9M", "2023-12-15", "2024-09-14")]
    [InlineData("2024", "2023-12-15", "2024-12-14")]
    public void The_official_cut_off_runs_from_the_15th_before_to_the_14th(string text, string start, string end)
    {
        var period = Period.Parse(text, default).WithCutoff(15);

        Assert.Equal((D(start), D(end)), (period.Start, period.End));
        Assert.Equal(Period.Parse(text, default).Label, period.Label);
        Assert.Equal(Period.Parse(text, default).Previous().WithCutoff(15), period.Previous());
        Assert.Throws<PeriodException>(() => Period.Parse("2024-01-01..2024-01-31", default).WithCutoff(15));
    }

    [Fact]
    public void The_same_period_a_year_earlier_keeps_the_end_of_february()
    {
        var february = Period.Month(2024, 2);

        Assert.Equal(new DateOnly(2023, 2, 28), february.YearEarlier().End);
        Assert.Equal([1, 2, 3], Period.Parse("2025-Q1", default).Months().Select(m => m.Start.Month));
    }

    [Theory]
    [InlineData("2024-13", "\"2024-13\"")]
    [InlineData("2024-Q5", "\"2024-Q5\"")]
    [InlineData("2024-03-31..2024-03-01", "trước ngày đầu 31/03/2024")]
    [InlineData("last year", "\"last year\"")]
    public void Bad_periods_are_refused_with_a_message_naming_the_problem(string text, string expected)
    {
        var error = Assert.Throws<PeriodException>(() => Period.Parse(text, default));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ties_share_a_rank_and_the_next_rank_is_skipped_and_undefined_values_are_unranked()
    {
        var ranks = Ranking.Rank([("a", 0.9), ("b", 0.95), ("c", 0.9), ("d", null), ("e", 0.8)], Better.Higher);
        var lower = Ranking.Rank([("a", 0.02), ("b", 0.01), ("c", 0.02)], Better.Lower);

        Assert.Equal(new Dictionary<string, int> { ["b"] = 1, ["a"] = 2, ["c"] = 2, ["e"] = 4 }, ranks);
        Assert.Equal(new Dictionary<string, int> { ["b"] = 1, ["a"] = 2, ["c"] = 2 }, lower);
        Assert.Equal(3, new RankedUnit("x", null, 0.9, 2, 5, 0.8).Movement);
        Assert.Null(new RankedUnit("x", null, 0.9, 2, null, null).Movement);
    }

    [Theory]
    [InlineData(0.8, 0.5, 4, 4.0)]    // above the threshold: full points
    [InlineData(0.25, 0.5, 4, 2.0)]   // half the threshold: half the points
    [InlineData(0.9, null, 20, 18.0)] // no threshold: linear
    [InlineData(null, 0.5, 4, null)]  // no value (zero denominator): no points
    public void The_portal_rule_gives_full_points_at_the_threshold_and_proportional_points_below(double? rate, double? threshold, double max, double? points)
    {
        var indicator = new Index766Indicator("x", "g", "x", max, threshold, "online_share", null);

        Assert.Equal(points, indicator.Points(rate));
    }

    [Fact]
    public void The_766_index_scores_what_the_events_measure_and_leaves_the_rest_uncomputed()
    {
        var scoring = Index766Scoring.Load();
        var values = new Dictionary<MetricDefinition, double?>
        {
            [MetricCatalogue.OnTimeRate766] = 0.95,      // 2.1: 20 × 0.95 = 19
            [MetricCatalogue.OnlineShare] = 0.40,        // 3.3: 0.40 / 0.5 × 4 = 3.2
            [MetricCatalogue.OnlinePaymentShare] = 0.5,  // 3.6: 0.5 × 6 = 3
            [MetricCatalogue.FeedbackOnTimeRate] = 1,    // 5.2: 6
            [MetricCatalogue.SatisfactionIndex] = 0.95,  // 5.4: 0.95 − 0.05 = 0.90 ≥ 0.90: 6
            [MetricCatalogue.OverdueRate] = 0.05,
        };
        var group = new KpiGroup([], Period.Year(2025), MetricValues.Of(values.GetValueOrDefault));

        var unit = Index766Service.Score(group, scoring);

        Assert.Equal(19 + 3.2 + 3 + 6 + 6, unit.Points, 9);
        Assert.Equal(20 + 4 + 6 + 6 + 6, unit.ComputedMax);
        Assert.Equal(100, scoring.Groups.Sum(g => g.Max));
        Assert.Equal(5, unit.Indicators.Count(i => i.Points is not null));
        Assert.All(unit.Indicators.Where(i => !i.Indicator.Computable), i => Assert.False(string.IsNullOrEmpty(i.Indicator.Missing)));
        Assert.Equal(0, unit.Groups.Single(g => g.Group.Id == "4").ComputedMax);
    }

    private static DateOnly D(string text) => DateOnly.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
}

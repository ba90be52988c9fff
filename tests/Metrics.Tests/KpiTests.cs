using Microsoft.Extensions.Logging.Abstractions;
using ReformMetrics.TestSupport;
using ReformMetrics.Metrics.Catalogue;
using ReformMetrics.Metrics.Periods;
using ReformMetrics.Metrics.Query;

namespace ReformMetrics.Metrics.Tests;

/// <summary>Every metric key against values worked out by hand from <see cref="Scenario"/>, through every path
/// (monthly or daily aggregates, the dossier state, the live view over the events).</summary>
public sealed class KpiTests(Scenario scenario) : IClassFixture<Scenario>
{
    private static readonly Period April = Period.Month(2025, 4);

    /// <summary>Hand-computed expectations; a metric not listed must be null (rates) or 0 (counts).</summary>
    private static readonly Dictionary<string, (Selection Selection, Dictionary<string, double?> Expected)> Expectations = new(StringComparer.Ordinal)
    {
        // A, N, O carried over; B C D E F G H P new; A early, B G on time, C N overdue; H withdrawn; D E F O P pending.
        ["civil status, Tây Ninh (72), April 2025"] = (
            new Selection { Period = April, Geo = 2008, Provinces = ["72"], Sectors = ["HOTICH"] },
            new()
            {
                ["carried_over"] = 3, ["received_new"] = 8, ["received_online"] = 2, ["received_direct"] = 5, ["received_postal"] = 1,
                ["received_total"] = 11, ["resolved_total"] = 5, ["resolved_early"] = 1, ["resolved_on_time"] = 2, ["resolved_overdue"] = 2,
                ["withdrawn"] = 1, ["in_progress"] = 5, ["in_progress_within_deadline"] = 3, ["in_progress_overdue"] = 2, ["apologized_overdue"] = 3,
                ["on_time_rate"] = 3.0 / 5, ["on_time_rate_of_received"] = 3.0 / 11, ["early_rate"] = 1.0 / 5, ["overdue_rate"] = 2.0 / 5,
                ["overdue_rate_of_received"] = 2.0 / 11,
                // 766: C, N overdue, G too (two supplement requests), plus D and O pending overdue.
                ["late_rate_766"] = 5.0 / 11, ["on_time_rate_766"] = 6.0 / 11, ["resolution_rate"] = 5.0 / 11,
                ["online_share"] = 2.0 / 8, ["postal_share"] = 1.0 / 8, ["direct_share"] = 5.0 / 8, ["online_share_enabled"] = 2.0 / 8,
                ["postal_return_share"] = 1.0 / 2, ["online_payment_share"] = 1.0 / 8, ["satisfaction_index"] = 2.0 / 3,
                ["apology_rate"] = 3.0 / 4,
                // Working days to resolution: A 2 (28, 31 March), B 2, C 4, G 5 − 2 waiting = 3, N 6 → median 3, p90 6.
                ["processing_days_median"] = 3, ["processing_days_p90"] = 6,
                // Civil-status feedback: FB1 (on time), FB2 (late, pending), FB6 (late); resolved by the end: FB1, FB6.
                ["feedback_received"] = 3, ["feedback_resolved"] = 2, ["feedback_resolution_rate"] = 2.0 / 3, ["feedback_on_time_rate"] = 1.0 / 3,
            }),
        // T (land) joins: received, resolved early, rated dissatisfied.
        ["every sector, Tây Ninh (72), April 2025"] = (
            new Selection { Period = April, Geo = 2008, Provinces = ["72"] },
            new()
            {
                ["carried_over"] = 3, ["received_new"] = 9, ["received_online"] = 2, ["received_direct"] = 6, ["received_postal"] = 1,
                ["received_total"] = 12, ["resolved_total"] = 6, ["resolved_early"] = 2, ["resolved_on_time"] = 2, ["resolved_overdue"] = 2,
                ["withdrawn"] = 1, ["in_progress"] = 5, ["in_progress_within_deadline"] = 3, ["in_progress_overdue"] = 2, ["apologized_overdue"] = 3,
                ["on_time_rate"] = 4.0 / 6, ["on_time_rate_of_received"] = 4.0 / 12, ["early_rate"] = 2.0 / 6, ["overdue_rate"] = 2.0 / 6,
                ["overdue_rate_of_received"] = 2.0 / 12, ["late_rate_766"] = 5.0 / 12, ["on_time_rate_766"] = 7.0 / 12, ["resolution_rate"] = 6.0 / 12,
                ["online_share"] = 2.0 / 9, ["postal_share"] = 1.0 / 9, ["direct_share"] = 6.0 / 9, ["online_share_enabled"] = 2.0 / 9,
                ["postal_return_share"] = 1.0 / 2, ["online_payment_share"] = 1.0 / 9, ["satisfaction_index"] = 2.0 / 4, ["apology_rate"] = 3.0 / 4,
                // T: 3 April to 10 April, with the 7 April holiday: 3, 4, 8, 9 → 4. Values 2, 2, 3, 4, 4, 6.
                ["processing_days_median"] = 3, ["processing_days_p90"] = 6,
                // Tasks of 2025 as they stood on 30 April: T1 on time, T2 late, T3 awaiting confirmation, T4 and T6 (done in May)
                // in progress within their deadline, T5 overdue.
                ["tasks_total"] = 6, ["tasks_done_on_time"] = 1, ["tasks_done_late"] = 1, ["tasks_done_awaiting_confirmation"] = 1,
                ["tasks_in_progress_on_time"] = 2, ["tasks_in_progress_overdue"] = 1,
                // Feedback: FB1 and FB3 on time, FB2 and FB6 late.
                ["feedback_received"] = 4, ["feedback_resolved"] = 2, ["feedback_resolution_rate"] = 2.0 / 4, ["feedback_on_time_rate"] = 2.0 / 4,
            }),
        // May: the five pending carried over; F resolved on its extended deadline (7 May, 15:00 before 17:00); E passes
        // its computed deadline (7 May) and is overdue at the end of May with D and O; P is still paused.
        ["civil status, Tây Ninh (72), May 2025"] = (
            new Selection { Period = Period.Month(2025, 5), Geo = 2008, Provinces = ["72"], Sectors = ["HOTICH"] },
            new()
            {
                ["carried_over"] = 5, ["received_total"] = 5, ["resolved_total"] = 1, ["resolved_on_time"] = 1, ["in_progress"] = 4,
                ["in_progress_overdue"] = 3, ["in_progress_within_deadline"] = 1, ["apologized_overdue"] = 1,
                ["on_time_rate"] = 1, ["on_time_rate_of_received"] = 1.0 / 5, ["early_rate"] = 0, ["overdue_rate"] = 0, ["overdue_rate_of_received"] = 0,
                ["late_rate_766"] = 3.0 / 5, ["on_time_rate_766"] = 2.0 / 5, ["resolution_rate"] = 1.0 / 5, ["apology_rate"] = 1.0 / 3,
                // F: 24 April to 7 May = 24, 25, 26, 28, 29 April, 5, 6 May = 7, less 4 waiting = 3.
                ["processing_days_median"] = 3, ["processing_days_p90"] = 3,
            }),
        // Days 10 to 14 April: C and O carried over; H and P received; C resolved late; H withdrawn; O and P pending.
        ["civil status, Tây Ninh (72), 10–14 April 2025"] = (
            new Selection { Period = Period.Range(new DateOnly(2025, 4, 10), new DateOnly(2025, 4, 14)), Geo = 2008, Provinces = ["72"], Sectors = ["HOTICH"] },
            new()
            {
                ["carried_over"] = 2, ["received_new"] = 2, ["received_direct"] = 2, ["received_total"] = 4, ["resolved_total"] = 1, ["resolved_overdue"] = 1,
                ["withdrawn"] = 1, ["in_progress"] = 2, ["in_progress_overdue"] = 1, ["in_progress_within_deadline"] = 1, ["apologized_overdue"] = 2,
                ["on_time_rate"] = 0, ["on_time_rate_of_received"] = 0, ["early_rate"] = 0, ["overdue_rate"] = 1, ["overdue_rate_of_received"] = 1.0 / 4,
                ["late_rate_766"] = 2.0 / 4, ["on_time_rate_766"] = 2.0 / 4, ["resolution_rate"] = 1.0 / 4, ["online_share"] = 0, ["postal_share"] = 0,
                ["direct_share"] = 1, ["online_share_enabled"] = 0, ["postal_return_share"] = 0, ["online_payment_share"] = 0,
                ["satisfaction_index"] = null, ["apology_rate"] = 1, ["processing_days_median"] = 4, ["processing_days_p90"] = 4,
            }),
        // Nothing at all: counts 0, every rate null (a zero denominator is null, never 0).
        ["a year without dossiers"] = (new Selection { Period = Period.Year(2016) }, new()
        {
            ["tasks_total"] = 0, ["tasks_done_on_time"] = 0, ["tasks_done_late"] = 0, ["tasks_done_awaiting_confirmation"] = 0,
            ["tasks_in_progress_on_time"] = 0, ["tasks_in_progress_overdue"] = 0, ["feedback_received"] = 0, ["feedback_resolved"] = 0,
        }),
        // The new Tây Ninh (80) is the former Tây Ninh (72) and Long An (80): D, E, O, P (pending since April in 72) are
        // carried over into June; R (72), S (80) and Q (new 80) are received. Their computed deadlines (3 working days)
        // pass before 31 July, so all but P (paused) are overdue at the end.
        ["new Tây Ninh in the 2025 geography, June–July 2025"] = (
            new Selection { Period = Period.Range(new DateOnly(2025, 6, 1), new DateOnly(2025, 7, 31)), Geo = 2025, Provinces = ["80"] },
            new()
            {
                ["carried_over"] = 4, ["received_new"] = 3, ["received_direct"] = 2, ["received_online"] = 1, ["received_total"] = 7, ["in_progress"] = 7,
                ["in_progress_overdue"] = 6, ["in_progress_within_deadline"] = 1, ["apologized_overdue"] = 1,
                ["on_time_rate_of_received"] = 0, ["overdue_rate_of_received"] = 0, ["late_rate_766"] = 6.0 / 7, ["on_time_rate_766"] = 1.0 / 7,
                ["resolution_rate"] = 0, ["online_share"] = 1.0 / 3, ["postal_share"] = 0, ["direct_share"] = 2.0 / 3, ["online_share_enabled"] = 1.0 / 3,
                ["online_payment_share"] = 0, ["apology_rate"] = 1.0 / 6,
                // Tasks of 2025 on 31 July, Tây Ninh's and Long An's together: T1, T6 on time; T2 late; T3 awaiting; T8 within; T4, T5 overdue.
                ["tasks_total"] = 7, ["tasks_done_on_time"] = 2, ["tasks_done_late"] = 1, ["tasks_done_awaiting_confirmation"] = 1,
                ["tasks_in_progress_on_time"] = 1, ["tasks_in_progress_overdue"] = 2,
            }),
        // The same months in the 2008 geography: code 80 is Long An as recorded, so S alone (K ended in April).
        ["Long An (80) in the 2008 geography, June–July 2025"] = (
            new Selection { Period = Period.Range(new DateOnly(2025, 6, 1), new DateOnly(2025, 7, 31)), Geo = 2008, Provinces = ["80"] },
            new()
            {
                ["received_new"] = 1, ["received_direct"] = 1, ["received_total"] = 1, ["in_progress"] = 1, ["in_progress_overdue"] = 1,
                ["on_time_rate_of_received"] = 0, ["overdue_rate_of_received"] = 0, ["late_rate_766"] = 1, ["on_time_rate_766"] = 0, ["resolution_rate"] = 0,
                ["online_share"] = 0, ["postal_share"] = 0, ["direct_share"] = 1, ["online_share_enabled"] = 0, ["online_payment_share"] = 0,
                ["apology_rate"] = 0, ["tasks_total"] = 1, ["tasks_in_progress_on_time"] = 1,
            }),
    };

    public static readonly TheoryData<string, KpiSource> Cases = Build();

    private static TheoryData<string, KpiSource> Build()
    {
        var data = new TheoryData<string, KpiSource>();
        foreach (var name in Expectations.Keys)
        {
            foreach (var source in new[] { KpiSource.Auto, KpiSource.Daily, KpiSource.DossierState, KpiSource.LiveEvents })
            {
                data.Add(name, source);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Every_metric_matches_the_hand_computed_value(string name, KpiSource source)
    {
        var (selection, expected) = Expectations[name];

        var result = await Service().GetAsync(selection with { Source = source }, compare: false, TestContext.Current.CancellationToken);

        var group = Assert.Single(result.Groups);
        foreach (var metric in MetricCatalogue.All)
        {
            var applies = metric.Family switch
            {
                MetricFamily.Feedback => KpiService.FeedbackApplies(selection),
                MetricFamily.Tasks => KpiService.TasksApply(selection),
                _ => true,
            };
            var want = expected.TryGetValue(metric.Key, out var value) ? value : applies && metric.Unit == MetricUnit.Count ? 0 : null;

            AssertClose(want, group.Values[metric.Key], $"{name} / {source} / {metric.Key}");
        }
    }

    [Fact]
    public async Task The_in_progress_at_the_end_of_a_month_is_carried_over_into_the_next()
    {
        var selection = new Selection { Period = Period.Range(new DateOnly(2025, 3, 1), new DateOnly(2025, 7, 31)), Geo = 2008, Grain = TimeGrain.Month, Provinces = ["72"] };

        var months = (await Service().GetAsync(selection, compare: false, TestContext.Current.CancellationToken)).Groups;

        Assert.Equal(5, months.Count);
        for (var i = 0; i < months.Count; i++)
        {
            var m = months[i];
            Assert.Equal(m["received_total"], m["resolved_total"] + m["withdrawn"] + m["in_progress"]);
            Assert.Equal(m["resolved_total"], m["resolved_early"] + m["resolved_on_time"] + m["resolved_overdue"]);
            if (i > 0)
            {
                Assert.Equal(months[i - 1]["in_progress"], m["carried_over"]);
            }
        }
    }

    [Fact]
    public async Task Comparisons_carry_the_previous_period_and_the_same_period_a_year_earlier()
    {
        var selection = new Selection { Period = April, Geo = 2008, Provinces = ["72"], Sectors = ["HOTICH"] };

        var group = Assert.Single((await Service().GetAsync(selection, compare: true, TestContext.Current.CancellationToken)).Groups);

        // March: J and I were received and ended in March; A, N, O were received and still pending at its end.
        Assert.Equal(5, group.Previous!["received_new"]);
        Assert.Equal(1, group.Previous["resolved_total"]);
        Assert.Equal(1, group.Previous["withdrawn"]);
        Assert.Equal(0, group.YearAgo!["received_total"]);
        Assert.Null(group.YearAgo["on_time_rate"]);
        var change = Change.Between(group["received_new"], group.Previous["received_new"]);
        Assert.Equal(3, change.Difference);
        Assert.Equal(0.6, change.Percent!.Value, 9);
    }

    [Fact]
    public async Task Grouping_by_province_in_the_2008_geography_keeps_the_recorded_units_and_names_them()
    {
        var selection = new Selection { Period = Period.Range(new DateOnly(2025, 6, 1), new DateOnly(2025, 7, 31)), Geo = 2008, GroupBy = [Dimension.Province] };

        var groups = (await Service().GetAsync(selection, compare: false, TestContext.Current.CancellationToken)).Groups
            .ToDictionary(g => g.Keys["province"], StringComparer.Ordinal);

        Assert.Equal(["72", "80", "N80"], groups.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(1, groups["N80"]["received_new"]);
        Assert.Equal("Tây Ninh", groups["72"].Keys["province_name"]);
        Assert.Equal("Long An", groups["80"].Keys["province_name"]);
        Assert.Contains("đơn vị từ 01/07/2025", groups["N80"].Keys["province_name"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2025, "99", "không có trong 34")]
    [InlineData(2008, "N80", null)]
    [InlineData(2026, "01", "geo: địa giới")]
    public async Task A_selection_is_validated_with_a_message_naming_what_is_wrong(int geo, string province, string? error)
    {
        var selection = new Selection { Period = April, Geo = geo, Provinces = [province] };

        var failure = await Record.ExceptionAsync(() => Service().GetAsync(selection, compare: false, TestContext.Current.CancellationToken));

        if (error is null)
        {
            Assert.Null(failure);
        }
        else
        {
            Assert.Contains(error, Assert.IsType<SelectionException>(failure).Message, StringComparison.Ordinal);
        }
    }

    private KpiService Service() => new(scenario.Database.Store, NullLogger<KpiService>.Instance);

    private static void AssertClose(double? expected, double? actual, string what)
    {
        if (expected is null || actual is null)
        {
            Assert.True(expected == actual, $"{what}: expected {expected?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"}, got {actual?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"}");
            return;
        }

        Assert.True(Math.Abs(expected.Value - actual.Value) < 1e-9, $"{what}: expected {expected}, got {actual}");
    }
}

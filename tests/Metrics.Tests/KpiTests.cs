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
    private static readonly Dictionary<string, (Selection Selection, Dictionary<MetricDefinition, double?> Expected)> Expectations = new(StringComparer.Ordinal)
    {
        // A, N, O carried over; B C D E F G H P new; A early, B G on time, C N overdue; H withdrawn; D E F O P pending.
        ["civil status, Tây Ninh (72), April 2025"] = (
            new Selection { Period = April, Geo = 2008, Provinces = ["72"], Sectors = ["HOTICH"] },
            new()
            {
                [MetricCatalogue.CarriedOver] = 3, [MetricCatalogue.ReceivedNew] = 8, [MetricCatalogue.ReceivedOnline] = 2, [MetricCatalogue.ReceivedDirect] = 5, [MetricCatalogue.ReceivedPostal] = 1,
                [MetricCatalogue.ReceivedTotal] = 11, [MetricCatalogue.ResolvedTotal] = 5, [MetricCatalogue.ResolvedEarly] = 1, [MetricCatalogue.ResolvedOnTime] = 2, [MetricCatalogue.ResolvedOverdue] = 2,
                [MetricCatalogue.Withdrawn] = 1, [MetricCatalogue.InProgress] = 5, [MetricCatalogue.InProgressWithinDeadline] = 3, [MetricCatalogue.InProgressOverdue] = 2, [MetricCatalogue.ApologizedOverdue] = 3,
                [MetricCatalogue.OnTimeRate] = 3.0 / 5, [MetricCatalogue.OnTimeRateOfReceived] = 3.0 / 11, [MetricCatalogue.EarlyRate] = 1.0 / 5, [MetricCatalogue.OverdueRate] = 2.0 / 5,
                [MetricCatalogue.OverdueRateOfReceived] = 2.0 / 11,
                // 766: C, N overdue, G too (two supplement requests), plus D and O pending overdue.
                [MetricCatalogue.LateRate766] = 5.0 / 11, [MetricCatalogue.OnTimeRate766] = 6.0 / 11, [MetricCatalogue.ResolutionRate] = 5.0 / 11,
                [MetricCatalogue.OnlineShare] = 2.0 / 8, [MetricCatalogue.PostalShare] = 1.0 / 8, [MetricCatalogue.DirectShare] = 5.0 / 8, [MetricCatalogue.OnlineShareEnabled] = 2.0 / 8,
                [MetricCatalogue.PostalReturnShare] = 1.0 / 2, [MetricCatalogue.OnlinePaymentShare] = 1.0 / 8, [MetricCatalogue.SatisfactionIndex] = 2.0 / 3,
                [MetricCatalogue.ApologyRate] = 3.0 / 4,
                // Working days to resolution: A 2 (28, 31 March), B 2, C 4, G 5 − 2 waiting = 3, N 6 → median 3, p90 6, mean 17 / 5.
                [MetricCatalogue.ProcessingDaysMedian] = 3, [MetricCatalogue.ProcessingDaysP90] = 6, [MetricCatalogue.Get("processing_days_mean")] = 17.0 / 5,
                // Civil-status feedback: FB1 (on time), FB2 (late, pending), FB6 (late); resolved by the end: FB1, FB6.
                [MetricCatalogue.FeedbackReceived] = 3, [MetricCatalogue.FeedbackResolved] = 2, [MetricCatalogue.FeedbackResolutionRate] = 2.0 / 3, [MetricCatalogue.FeedbackOnTimeRate] = 1.0 / 3,
            }),
        // T (land) joins: received, resolved early, rated dissatisfied.
        ["every sector, Tây Ninh (72), April 2025"] = (
            new Selection { Period = April, Geo = 2008, Provinces = ["72"] },
            new()
            {
                [MetricCatalogue.CarriedOver] = 3, [MetricCatalogue.ReceivedNew] = 9, [MetricCatalogue.ReceivedOnline] = 2, [MetricCatalogue.ReceivedDirect] = 6, [MetricCatalogue.ReceivedPostal] = 1,
                [MetricCatalogue.ReceivedTotal] = 12, [MetricCatalogue.ResolvedTotal] = 6, [MetricCatalogue.ResolvedEarly] = 2, [MetricCatalogue.ResolvedOnTime] = 2, [MetricCatalogue.ResolvedOverdue] = 2,
                [MetricCatalogue.Withdrawn] = 1, [MetricCatalogue.InProgress] = 5, [MetricCatalogue.InProgressWithinDeadline] = 3, [MetricCatalogue.InProgressOverdue] = 2, [MetricCatalogue.ApologizedOverdue] = 3,
                [MetricCatalogue.OnTimeRate] = 4.0 / 6, [MetricCatalogue.OnTimeRateOfReceived] = 4.0 / 12, [MetricCatalogue.EarlyRate] = 2.0 / 6, [MetricCatalogue.OverdueRate] = 2.0 / 6,
                [MetricCatalogue.OverdueRateOfReceived] = 2.0 / 12, [MetricCatalogue.LateRate766] = 5.0 / 12, [MetricCatalogue.OnTimeRate766] = 7.0 / 12, [MetricCatalogue.ResolutionRate] = 6.0 / 12,
                [MetricCatalogue.OnlineShare] = 2.0 / 9, [MetricCatalogue.PostalShare] = 1.0 / 9, [MetricCatalogue.DirectShare] = 6.0 / 9, [MetricCatalogue.OnlineShareEnabled] = 2.0 / 9,
                [MetricCatalogue.PostalReturnShare] = 1.0 / 2, [MetricCatalogue.OnlinePaymentShare] = 1.0 / 9, [MetricCatalogue.SatisfactionIndex] = 2.0 / 4, [MetricCatalogue.ApologyRate] = 3.0 / 4,
                // T: 3 April to 10 April, with the 7 April holiday: 3, 4, 8, 9 → 4. Values 2, 2, 3, 4, 4, 6: mean 21 / 6.
                [MetricCatalogue.ProcessingDaysMedian] = 3, [MetricCatalogue.ProcessingDaysP90] = 6, [MetricCatalogue.Get("processing_days_mean")] = 21.0 / 6,
                // Tasks of 2025 as they stood on 30 April: T1 on time, T2 late, T3 awaiting confirmation, T4 and T6 (done in May)
                // in progress within their deadline, T5 overdue.
                [MetricCatalogue.TasksTotal] = 6, [MetricCatalogue.TasksDoneOnTime] = 1, [MetricCatalogue.TasksDoneLate] = 1, [MetricCatalogue.TasksDoneAwaitingConfirmation] = 1,
                [MetricCatalogue.TasksInProgressOnTime] = 2, [MetricCatalogue.TasksInProgressOverdue] = 1,
                // Feedback: FB1 and FB3 on time, FB2 and FB6 late.
                [MetricCatalogue.FeedbackReceived] = 4, [MetricCatalogue.FeedbackResolved] = 2, [MetricCatalogue.FeedbackResolutionRate] = 2.0 / 4, [MetricCatalogue.FeedbackOnTimeRate] = 2.0 / 4,
            }),
        // May: the five pending carried over; F resolved on its extended deadline (7 May, 15:00 before 17:00); E passes
        // its computed deadline (7 May) and is overdue at the end of May with D and O; P is still paused.
        ["civil status, Tây Ninh (72), May 2025"] = (
            new Selection { Period = Period.Month(2025, 5), Geo = 2008, Provinces = ["72"], Sectors = ["HOTICH"] },
            new()
            {
                [MetricCatalogue.CarriedOver] = 5, [MetricCatalogue.ReceivedTotal] = 5, [MetricCatalogue.ResolvedTotal] = 1, [MetricCatalogue.ResolvedOnTime] = 1, [MetricCatalogue.InProgress] = 4,
                [MetricCatalogue.InProgressOverdue] = 3, [MetricCatalogue.InProgressWithinDeadline] = 1, [MetricCatalogue.ApologizedOverdue] = 1,
                [MetricCatalogue.OnTimeRate] = 1, [MetricCatalogue.OnTimeRateOfReceived] = 1.0 / 5, [MetricCatalogue.EarlyRate] = 0, [MetricCatalogue.OverdueRate] = 0, [MetricCatalogue.OverdueRateOfReceived] = 0,
                [MetricCatalogue.LateRate766] = 3.0 / 5, [MetricCatalogue.OnTimeRate766] = 2.0 / 5, [MetricCatalogue.ResolutionRate] = 1.0 / 5, [MetricCatalogue.ApologyRate] = 1.0 / 3,
                // F: 24 April to 7 May = 24, 25, 26, 28, 29 April, 5, 6 May = 7, less 4 waiting = 3.
                [MetricCatalogue.ProcessingDaysMedian] = 3, [MetricCatalogue.ProcessingDaysP90] = 3, [MetricCatalogue.Get("processing_days_mean")] = 3,
            }),
        // Days 10 to 14 April: C and O carried over; H and P received; C resolved late; H withdrawn; O and P pending.
        ["civil status, Tây Ninh (72), 10–14 April 2025"] = (
            new Selection { Period = Period.Range(new DateOnly(2025, 4, 10), new DateOnly(2025, 4, 14)), Geo = 2008, Provinces = ["72"], Sectors = ["HOTICH"] },
            new()
            {
                [MetricCatalogue.CarriedOver] = 2, [MetricCatalogue.ReceivedNew] = 2, [MetricCatalogue.ReceivedDirect] = 2, [MetricCatalogue.ReceivedTotal] = 4, [MetricCatalogue.ResolvedTotal] = 1, [MetricCatalogue.ResolvedOverdue] = 1,
                [MetricCatalogue.Withdrawn] = 1, [MetricCatalogue.InProgress] = 2, [MetricCatalogue.InProgressOverdue] = 1, [MetricCatalogue.InProgressWithinDeadline] = 1, [MetricCatalogue.ApologizedOverdue] = 2,
                [MetricCatalogue.OnTimeRate] = 0, [MetricCatalogue.OnTimeRateOfReceived] = 0, [MetricCatalogue.EarlyRate] = 0, [MetricCatalogue.OverdueRate] = 1, [MetricCatalogue.OverdueRateOfReceived] = 1.0 / 4,
                [MetricCatalogue.LateRate766] = 2.0 / 4, [MetricCatalogue.OnTimeRate766] = 2.0 / 4, [MetricCatalogue.ResolutionRate] = 1.0 / 4, [MetricCatalogue.OnlineShare] = 0, [MetricCatalogue.PostalShare] = 0,
                [MetricCatalogue.DirectShare] = 1, [MetricCatalogue.OnlineShareEnabled] = 0, [MetricCatalogue.PostalReturnShare] = 0, [MetricCatalogue.OnlinePaymentShare] = 0,
                [MetricCatalogue.SatisfactionIndex] = null, [MetricCatalogue.ApologyRate] = 1, [MetricCatalogue.ProcessingDaysMedian] = 4, [MetricCatalogue.ProcessingDaysP90] = 4, [MetricCatalogue.Get("processing_days_mean")] = 4,
            }),
        // Nothing at all: counts 0, every rate null (a zero denominator is null, never 0).
        ["a year without dossiers"] = (new Selection { Period = Period.Year(2016) }, new()
        {
            [MetricCatalogue.TasksTotal] = 0, [MetricCatalogue.TasksDoneOnTime] = 0, [MetricCatalogue.TasksDoneLate] = 0, [MetricCatalogue.TasksDoneAwaitingConfirmation] = 0,
            [MetricCatalogue.TasksInProgressOnTime] = 0, [MetricCatalogue.TasksInProgressOverdue] = 0, [MetricCatalogue.FeedbackReceived] = 0, [MetricCatalogue.FeedbackResolved] = 0,
        }),
        // The new Tây Ninh (80) is the former Tây Ninh (72) and Long An (80): D, E, O, P (pending since April in 72) are
        // carried over into June; R (72), S (80) and Q (new 80) are received. Their computed deadlines (3 working days)
        // pass before 31 July, so all but P (paused) are overdue at the end.
        ["new Tây Ninh in the 2025 geography, June–July 2025"] = (
            new Selection { Period = Period.Range(new DateOnly(2025, 6, 1), new DateOnly(2025, 7, 31)), Geo = 2025, Provinces = ["80"] },
            new()
            {
                [MetricCatalogue.CarriedOver] = 4, [MetricCatalogue.ReceivedNew] = 3, [MetricCatalogue.ReceivedDirect] = 2, [MetricCatalogue.ReceivedOnline] = 1, [MetricCatalogue.ReceivedTotal] = 7, [MetricCatalogue.InProgress] = 7,
                [MetricCatalogue.InProgressOverdue] = 6, [MetricCatalogue.InProgressWithinDeadline] = 1, [MetricCatalogue.ApologizedOverdue] = 1,
                [MetricCatalogue.OnTimeRateOfReceived] = 0, [MetricCatalogue.OverdueRateOfReceived] = 0, [MetricCatalogue.LateRate766] = 6.0 / 7, [MetricCatalogue.OnTimeRate766] = 1.0 / 7,
                [MetricCatalogue.ResolutionRate] = 0, [MetricCatalogue.OnlineShare] = 1.0 / 3, [MetricCatalogue.PostalShare] = 0, [MetricCatalogue.DirectShare] = 2.0 / 3, [MetricCatalogue.OnlineShareEnabled] = 1.0 / 3,
                [MetricCatalogue.OnlinePaymentShare] = 0, [MetricCatalogue.ApologyRate] = 1.0 / 6,
                // Tasks of 2025 on 31 July, Tây Ninh's and Long An's together: T1, T6 on time; T2 late; T3 awaiting; T8 within; T4, T5 overdue.
                [MetricCatalogue.TasksTotal] = 7, [MetricCatalogue.TasksDoneOnTime] = 2, [MetricCatalogue.TasksDoneLate] = 1, [MetricCatalogue.TasksDoneAwaitingConfirmation] = 1,
                [MetricCatalogue.TasksInProgressOnTime] = 1, [MetricCatalogue.TasksInProgressOverdue] = 2,
            }),
        // The same months in the 2008 geography: code 80 is Long An as recorded, so S alone (K ended in April).
        ["Long An (80) in the 2008 geography, June–July 2025"] = (
            new Selection { Period = Period.Range(new DateOnly(2025, 6, 1), new DateOnly(2025, 7, 31)), Geo = 2008, Provinces = ["80"] },
            new()
            {
                [MetricCatalogue.ReceivedNew] = 1, [MetricCatalogue.ReceivedDirect] = 1, [MetricCatalogue.ReceivedTotal] = 1, [MetricCatalogue.InProgress] = 1, [MetricCatalogue.InProgressOverdue] = 1,
                [MetricCatalogue.OnTimeRateOfReceived] = 0, [MetricCatalogue.OverdueRateOfReceived] = 0, [MetricCatalogue.LateRate766] = 1, [MetricCatalogue.OnTimeRate766] = 0, [MetricCatalogue.ResolutionRate] = 0,
                [MetricCatalogue.OnlineShare] = 0, [MetricCatalogue.PostalShare] = 0, [MetricCatalogue.DirectShare] = 1, [MetricCatalogue.OnlineShareEnabled] = 0, [MetricCatalogue.OnlinePaymentShare] = 0,
                [MetricCatalogue.ApologyRate] = 0, [MetricCatalogue.TasksTotal] = 1, [MetricCatalogue.TasksInProgressOnTime] = 1,
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
    public async Task Every_metric_matches_the_hand_computed_value(string name, KpiSource source) =>
        await AssertExpectedAsync(name, Service(), source);

    public static TheoryData<string> Names() => [.. Expectations.Keys];

    /// <summary>The path of the service: whole months and the feedback items answered from the rollup mirror.</summary>
    [Theory]
    [MemberData(nameof(Names))]
    public async Task Every_metric_from_the_rollup_mirror_matches_the_hand_computed_value(string name)
    {
        using var mirror = new Query.Mirror.RollupMirror(scenario.Database.Store, NullLogger<Query.Mirror.RollupMirror>.Instance);
        await AssertExpectedAsync(name, new KpiService(scenario.Database.Store, NullLogger<KpiService>.Instance) { RollupMirror = mirror }, KpiSource.Auto);
        Assert.True(mirror.Rows > 0, "the mirror held nothing: the engine answered");
    }

    private static async Task AssertExpectedAsync(string name, KpiService service, KpiSource source)
    {
        var (selection, expected) = Expectations[name];

        var result = await service.GetAsync(selection with { Source = source }, compare: false, TestContext.Current.CancellationToken);

        var group = Assert.Single(result.Groups);
        foreach (var metric in MetricCatalogue.All)
        {
            var applies = metric.Family switch
            {
                MetricFamily.Feedback => KpiService.FeedbackApplies(selection),
                MetricFamily.Tasks => KpiService.TasksApply(selection),
                _ => true,
            };
            var want = expected.TryGetValue(metric, out var value) ? value : applies && metric.Unit == MetricUnit.Count ? 0 : null;

            AssertClose(want, group[metric], $"{name} / {source} / {metric.Key}");
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
            Assert.Equal(m[MetricCatalogue.ReceivedTotal], m[MetricCatalogue.ResolvedTotal] + m[MetricCatalogue.Withdrawn] + m[MetricCatalogue.InProgress]);
            Assert.Equal(m[MetricCatalogue.ResolvedTotal], m[MetricCatalogue.ResolvedEarly] + m[MetricCatalogue.ResolvedOnTime] + m[MetricCatalogue.ResolvedOverdue]);
            if (i > 0)
            {
                Assert.Equal(months[i - 1][MetricCatalogue.InProgress], m[MetricCatalogue.CarriedOver]);
            }
        }
    }

    [Fact]
    public async Task Comparisons_carry_the_previous_period_and_the_same_period_a_year_earlier()
    {
        var selection = new Selection { Period = April, Geo = 2008, Provinces = ["72"], Sectors = ["HOTICH"] };

        var group = Assert.Single((await Service().GetAsync(selection, compare: true, TestContext.Current.CancellationToken)).Groups);

        // March: J and I were received and ended in March; A, N, O were received and still pending at its end.
        Assert.Equal(5, group.Previous![MetricCatalogue.ReceivedNew]);
        Assert.Equal(1, group.Previous[MetricCatalogue.ResolvedTotal]);
        Assert.Equal(1, group.Previous[MetricCatalogue.Withdrawn]);
        Assert.Equal(0, group.YearAgo![MetricCatalogue.ReceivedTotal]);
        Assert.Null(group.YearAgo[MetricCatalogue.OnTimeRate]);
        var change = Change.Between(group[MetricCatalogue.ReceivedNew], group.Previous[MetricCatalogue.ReceivedNew]);
        Assert.Equal(3, change.Difference);
        Assert.Equal(0.6, change.Percent!.Value, 9);
    }

    [Fact]
    public async Task Grouping_by_province_in_the_2008_geography_keeps_the_recorded_units_and_names_them()
    {
        var selection = new Selection { Period = Period.Range(new DateOnly(2025, 6, 1), new DateOnly(2025, 7, 31)), Geo = 2008, GroupBy = [Dimension.Province] };

        var groups = (await Service().GetAsync(selection, compare: false, TestContext.Current.CancellationToken)).Groups
            .ToDictionary(g => g.Code(Dimension.Province), StringComparer.Ordinal);

        Assert.Equal(["72", "80", "N80"], groups.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(1, groups["N80"][MetricCatalogue.ReceivedNew]);
        Assert.Equal("Tây Ninh", groups["72"].Name(Dimension.Province));
        Assert.Equal("Long An", groups["80"].Name(Dimension.Province));
        Assert.Contains("đơn vị từ 01/07/2025", groups["N80"].Name(Dimension.Province), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AG-TEST", null)]
    [InlineData("AG-NONE", "agency: mã cơ quan \"AG-NONE\"")]
    public async Task An_agency_is_known_when_it_has_dossiers_even_without_an_agency_list(string agency, string? error)
    {
        var selection = new Selection { Period = April, Geo = 2008, Agencies = [agency] };

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

    [Theory]
    [InlineData(2025, "99", "không có trong 34")]
    [InlineData(2008, "N80", null)]
    [InlineData(2026, "01", "geo: địa giới")]
    public async Task A_selection_is_validated_with_a_message_naming_what_is_wrong(int geo, string province, string? error)
    {
        // The geography is checked where a selection is made, the codes where it is answered: both are the caller's error.
        var failure = await Record.ExceptionAsync(() =>
            Service().GetAsync(new Selection { Period = April, Geo = geo, Provinces = [province] }, compare: false, TestContext.Current.CancellationToken));

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

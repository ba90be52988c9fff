using ReformMetrics.Metrics.Catalogue;

namespace ReformMetrics.Metrics.Tests;

/// <summary>How values read for Vietnamese users: a processing time under a tenth of a day is "trong ngày", never a bare
/// 0 that reads like missing data; an undefined rate is "—".</summary>
public sealed class MetricFormatTests
{
    [Theory]
    [InlineData(0.0, "trong ngày")]
    [InlineData(0.04, "trong ngày")]
    [InlineData(0.05, "0,1 ngày")]
    [InlineData(1.0, "1,0 ngày")]
    [InlineData(2.45, "2,5 ngày")]
    [InlineData(1234.5, "1.234,5 ngày")]
    public void Working_days_print_with_their_unit_and_a_same_day_time_as_trong_ngay(double days, string expected)
    {
        Assert.Equal(expected, MetricFormat.Value(MetricCatalogue.ProcessingDaysMedian, days));
        Assert.Equal(expected, MetricFormat.Value(MetricCatalogue.Get("processing_days_mean"), days));
    }

    [Theory]
    [InlineData("on_time_rate", 0.94123, "94,12%")]
    [InlineData("on_time_rate", null, "—")]
    [InlineData("received_total", 270497.0, "270.497")]
    public void Rates_and_counts_keep_their_vi_VN_form(string key, double? value, string expected) =>
        Assert.Equal(expected, MetricFormat.Value(MetricCatalogue.Get(key), value));

    [Fact]
    public void The_ratings_share_is_not_called_an_index_and_both_on_time_denominators_are_named()
    {
        Assert.Equal("Tỷ lệ hài lòng", MetricCatalogue.SatisfactionIndex.Label);
        Assert.DoesNotContain(MetricCatalogue.All, m => m.Label.Contains("Chỉ số hài lòng", StringComparison.Ordinal));
        Assert.Contains("đã giải quyết", MetricCatalogue.OnTimeRate.Label, StringComparison.Ordinal);
        Assert.Contains("nhận giải quyết", MetricCatalogue.OnTimeRateOfReceived.Label, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2025-04-01", "2025-06-30", "Nghị định số 61/2018/NĐ-CP của Chính phủ, Điều 19 khoản 9")]
    [InlineData("2025-07-01", "2025-09-30", "Nghị định số 118/2025/NĐ-CP ngày 09/6/2025 của Chính phủ")]
    [InlineData("2025-06-15", "2025-09-14", "Nghị định số 61/2018/NĐ-CP của Chính phủ, Điều 19 khoản 9; Nghị định số 118/2025/NĐ-CP ngày 09/6/2025 của Chính phủ")]
    public void The_apology_duty_cites_the_decree_in_force_on_the_period_s_days(string start, string end, string expected) =>
        Assert.Equal(expected, MetricCatalogue.ApologyRate.BasisFor(DateOnly.Parse(start, System.Globalization.CultureInfo.InvariantCulture), DateOnly.Parse(end, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void No_source_points_into_the_repository_and_analytic_metrics_cite_nothing()
    {
        Assert.DoesNotContain(MetricCatalogue.All, m => m.Source.Contains(".md", StringComparison.Ordinal) || m.Source.Contains("01/2023", StringComparison.Ordinal));
        Assert.DoesNotContain(MetricCatalogue.All, m => m.Bases.Any(b => b.Citation.Contains("131/NQ-CP", StringComparison.Ordinal)));
        Assert.Null(MetricCatalogue.ProcessingDaysMedian.BasisFor(new DateOnly(2025, 1, 1), new DateOnly(2025, 12, 31)));
        Assert.Null(MetricCatalogue.SatisfactionIndex.BasisFor(new DateOnly(2025, 1, 1), new DateOnly(2025, 12, 31)));
    }
}

using System.Globalization;
using System.Text.Json;
using ReformMetrics.Metrics.Catalogue;
using ReformMetrics.Metrics.Periods;
using ReformMetrics.Metrics.Query;

namespace ReformMetrics.Metrics.Tests;

/// <summary>How the instant the figures are complete up to is written: for people in Vietnam time, cut to the minute; for
/// machines (data_as_of) in ISO 8601 with its offset and microseconds.</summary>
public sealed class FreshnessFormatTests
{
    [Theory]
    [InlineData("2026-03-05T07:04:59.999999Z", "Số liệu đến 14:04 05/03/2026", "2026-03-05T14:04:59.999999+07:00")]
    // The evening in UTC is the next morning, next month and next year in Vietnam.
    [InlineData("2026-12-31T17:30:00.000001Z", "Số liệu đến 00:30 01/01/2027", "2027-01-01T00:30:00.000001+07:00")]
    [InlineData("2026-06-01T09:00:00+02:00", "Số liệu đến 14:00 01/06/2026", "2026-06-01T14:00:00.000000+07:00")]
    public void An_instant_is_shown_in_Vietnam_time_cut_to_the_minute_and_written_for_machines_with_its_offset(string instant, string shown, string iso)
    {
        var value = DateTimeOffset.Parse(instant, CultureInfo.InvariantCulture);

        Assert.Equal(shown, MetricFormat.AsOf(value));
        Assert.Equal(iso, MetricFormat.AsOfIso(value));
        Assert.Equal(value, DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Without_a_refresh_there_is_no_instant()
    {
        Assert.Equal("Số liệu chưa được tổng hợp lần nào", MetricFormat.AsOf(null));
        Assert.Null(MetricFormat.AsOfIso(null));
    }

    [Fact]
    public void Every_row_of_the_answer_document_carries_the_instant_or_null()
    {
        var selection = new Selection { Period = Period.Month(2025, 9), GroupBy = [Dimension.Province] };
        var groups = new[] { "80", "01" }.Select(code => new KpiGroup([new GroupKey(Dimension.Province, code, null)], selection.Period, MetricValues.Of(_ => null))).ToList();
        var asOf = new DateTimeOffset(2026, 3, 5, 7, 4, 30, TimeSpan.Zero).AddTicks(1_234_560);

        using var fresh = JsonDocument.Parse(JsonSerializer.Serialize(
            KpiDocument.Build(selection, new KpiResult(selection, KpiSource.Monthly, groups) { DataAsOf = asOf }, targets: null), KpiDocument.Json));
        using var never = JsonDocument.Parse(JsonSerializer.Serialize(
            KpiDocument.Build(selection, new KpiResult(selection, KpiSource.Monthly, groups), targets: null), KpiDocument.Json));

        Assert.All(fresh.RootElement.EnumerateArray(), row => Assert.Equal("2026-03-05T14:04:30.123456+07:00", row.GetProperty("data_as_of").GetString()));
        Assert.All(never.RootElement.EnumerateArray(), row => Assert.Equal(JsonValueKind.Null, row.GetProperty("data_as_of").ValueKind));
    }
}

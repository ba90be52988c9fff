using System.Text.Json;
using ReformMetrics.Metrics.Catalogue;
using ReformMetrics.Metrics.Periods;
using ReformMetrics.Metrics.Query;

namespace ReformMetrics.Metrics.Tests;

/// <summary>How a selection is read from its words (the same for a query string and a command line), the named metrics
/// and presets, and the answer document: pure logic.</summary>
public sealed class SelectionBindingTests
{
    private static readonly DateOnly Today = new(2026, 12, 7);

    [Fact]
    public void The_words_of_a_query_string_make_the_selection()
    {
        var query = new Dictionary<string, string[]>
        {
            ["period"] = ["2025-Q3"], ["geo"] = ["2008"], ["province"] = ["72,80", "72"], ["by"] = ["sector", "month"], ["agency"] = [" ", "AG-1"],
        };

        var selection = SelectionParser.Parse(SelectionParser.Input.Read(w => query.GetValueOrDefault(w, [])), Today);

        Assert.Equal(Period.Quarter(2025, 3), selection.Period);
        Assert.Equal(2008, selection.Geo);
        Assert.Equal(["72", "80"], selection.Provinces);
        Assert.Equal([Dimension.Sector], selection.GroupBy);
        Assert.Equal(TimeGrain.Month, selection.Grain);
        Assert.Equal(["AG-1"], selection.Agencies);
    }

    [Theory]
    [InlineData("period", "period: chỉ nhận một giá trị, không phải 2.")]
    [InlineData("geo", "geo: chỉ nhận một giá trị, không phải 2.")]
    public void A_word_that_takes_one_value_refuses_two(string word, string message)
    {
        var failure = Assert.Throws<SelectionException>(() => SelectionParser.Input.Read(w => w == word ? ["2025", "2008"] : []));

        Assert.Equal(message, failure.Message);
    }

    [Fact]
    public void A_page_refuses_a_word_it_cannot_filter_by_rather_than_ignore_it()
    {
        var input = SelectionParser.Input.Read(w => w == "procedure" ? ["1.000001"] : w == "period" ? ["2025-09"] : []);

        var failure = Assert.Throws<SelectionException>(() => input.Allow(SelectionWords.Period, SelectionWords.Geo));

        Assert.StartsWith("procedure: trang này không dùng tham số này", failure.Message, StringComparison.Ordinal);
        Assert.Same(input, input.Allow(SelectionWords.Period, SelectionWords.Procedure));
    }

    [Theory]
    [InlineData("2026", "geo: địa giới \"2026\" không hợp lệ")]
    [InlineData("hai", "geo: địa giới \"hai\" không hợp lệ")]
    public void The_geography_is_checked_once_whoever_makes_the_selection(string geo, string message)
    {
        var parsed = Assert.Throws<SelectionException>(() => SelectionParser.Parse(new SelectionParser.Input(Period: "2025-09", Geo: geo), Today));
        Assert.StartsWith(message, parsed.Message, StringComparison.Ordinal);

        if (int.TryParse(geo, out var number))
        {
            var built = Assert.Throws<SelectionException>(() => new Selection { Period = Period.Month(2025, 9), Geo = number });
            Assert.Equal(parsed.Message, built.Message);
        }
    }

    [Theory]
    [InlineData(null, "on_time_rate")]
    [InlineData("online_share", "online_share")]
    public void A_metric_is_named_by_its_key(string? key, string expected) =>
        Assert.Same(MetricCatalogue.Get(expected), SelectionParser.Metric(key, MetricCatalogue.OnTimeRate));

    [Fact]
    public void An_unknown_metric_or_compare_value_is_an_error_naming_the_word()
    {
        Assert.StartsWith("metric: không có chỉ số \"no_such\"", Assert.Throws<SelectionException>(() => SelectionParser.Metric("no_such", MetricCatalogue.OnTimeRate)).Message, StringComparison.Ordinal);
        Assert.StartsWith("compare: \"yes\" không hợp lệ", Assert.Throws<SelectionException>(() => SelectionParser.Compare("yes")).Message, StringComparison.Ordinal);
        Assert.True(SelectionParser.Compare("1"));
    }

    [Fact]
    public void Every_named_metric_and_every_preset_reads_the_catalogue()
    {
        var named = typeof(MetricCatalogue).GetProperties().Where(p => p.PropertyType == typeof(MetricDefinition))
            .Select(p => (MetricDefinition)p.GetValue(null)!).ToList();

        // A metric needs a name only where code reads it by name; each name reads one metric of the catalogue.
        Assert.NotEmpty(named);
        Assert.Equal(named.Count, named.Distinct().Count());
        Assert.All(named, m => Assert.Contains(m, MetricCatalogue.All));
        Assert.All(MetricPresets.All, p =>
        {
            Assert.NotEmpty(p.Metrics);
            Assert.Equal(p.Metrics.Count, p.Metrics.Distinct().Count());
            Assert.All(p.Metrics, m => Assert.Contains(m, MetricCatalogue.All));
        });
        Assert.Equal(MetricPresets.All.Count, MetricPresets.All.Select(p => p.Name).Distinct().Count());
    }

    [Fact]
    public void The_answer_document_carries_rates_at_full_precision_and_counts_as_integers()
    {
        // 0.020351 printed as 0.0204 before: a data interface carries the value; display rounds it.
        var values = MetricValues.Of(m => m == MetricCatalogue.OnTimeRate ? 0.020351145038167938 : m == MetricCatalogue.ReceivedTotal ? 262 : null);
        var selection = new Selection { Period = Period.Month(2025, 9), GroupBy = [Dimension.Province] };
        var group = new KpiGroup([new GroupKey(Dimension.Province, "80", "Tây Ninh")], selection.Period, values);

        var json = JsonSerializer.Serialize(KpiDocument.Build(selection, new KpiResult(selection, KpiSource.Monthly, [group]), targets: null), KpiDocument.Json);
        using var document = JsonDocument.Parse(json);
        var row = document.RootElement[0];

        Assert.Equal(0.020351145038167938, row.GetProperty("on_time_rate").GetDouble());
        Assert.Equal(JsonValueKind.Number, row.GetProperty("received_total").ValueKind);
        Assert.Equal("262", row.GetProperty("received_total").GetRawText());
        Assert.Equal("80", row.GetProperty("province").GetString());
        Assert.Equal("Tây Ninh", row.GetProperty("province_name").GetString());
        Assert.Equal(JsonValueKind.Null, row.GetProperty("early_rate").ValueKind);
    }
}

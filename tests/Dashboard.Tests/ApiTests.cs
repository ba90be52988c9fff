using System.Net;
using System.Text.Json;
using ReformMetrics.Metrics.Catalogue;

namespace ReformMetrics.Dashboard.Tests;

/// <summary>The metrics API over the hand-made scenario: the answers, for a user who may see them.</summary>
public sealed class ApiTests(DashboardServer server) : IClassFixture<DashboardServer>
{
    [Fact]
    public async Task Kpi_returns_every_metric_key_with_comparisons_and_the_national_satisfaction_target()
    {
        using var json = await GetJsonAsync("quocgia", "/api/kpi?period=2025-04&geo=2008&province=72&sector=HOTICH&compare=true");

        var group = Assert.Single(json.RootElement.EnumerateArray());
        var values = group;
        Assert.All(MetricCatalogue.All, m => Assert.True(values.TryGetProperty(m.Key, out _), m.Key));
        Assert.Equal(11, values.GetProperty("received_total").GetDouble());
        Assert.Equal(0.6, values.GetProperty("on_time_rate").GetDouble(), 9);
        Assert.Equal(5, group.GetProperty("previous").GetProperty("received_new").GetDouble());
        var satisfaction = group.GetProperty("targets").GetProperty("satisfaction_index"); // from the scenario's targets file
        Assert.Equal(0.9, satisfaction.GetProperty("target").GetDouble());
        Assert.False(satisfaction.GetProperty("met").GetBoolean()); // 2/3 < 90%
        Assert.Equal("Tháng 4/2025", group.GetProperty("period_label").GetString());
        Assert.Equal("2025-04", group.GetProperty("period").GetString());
    }

    [Fact]
    public async Task A_province_viewer_without_a_province_filter_gets_exactly_their_province()
    {
        using var own = await GetJsonAsync("tayninh", "/api/kpi?period=2025-04");
        using var national = await GetJsonAsync("quocgia", "/api/kpi?period=2025-04&province=80");

        var mine = Assert.Single(own.RootElement.EnumerateArray());
        var theirs = Assert.Single(national.RootElement.EnumerateArray());
        Assert.Equal(theirs.GetRawText(), mine.GetRawText());
        // The new Tây Ninh of April 2025: old Tây Ninh's 12 and Long An's K.
        Assert.Equal(13, mine.GetProperty("received_total").GetDouble());
    }

    [Fact]
    public async Task The_API_answers_with_exactly_the_JSON_of_reform_kpi()
    {
        var cancel = TestContext.Current.CancellationToken;
        using var client = server.As("quocgia");
        var api = await client.GetStringAsync(new Uri("/api/kpi?period=2025-04&geo=2008&by=province&compare=true", UriKind.Relative), cancel);
        var environment = new Dictionary<string, string?> { ["REFORM_ClickHouse__Database"] = server.Store.Database };

        var cli = await TestSupport.ReformProcess.RunAsync(
            ["--clickhouse", server.Engine.ConnectionString, "kpi", "--period", "2025-04", "--geo", "2008", "--by", "province", "--compare", "--json"], environment);

        Assert.Equal(0, cli.ExitCode);
        Assert.Equal(api.Trim(), cli.StandardOutput.Trim());
        Assert.Equal(2, JsonDocument.Parse(api).RootElement.GetArrayLength());
    }

    [Fact]
    public async Task Rankings_rank_provinces_with_ties_sharing_a_rank_and_show_a_province_viewer_only_their_own_places()
    {
        using var all = await GetJsonAsync("quocgia", "/api/rankings?period=2025-04&geo=2008&metric=received_new&by=province");
        using var own = await GetJsonAsync("tayninh", "/api/rankings?period=2025-04&geo=2008&metric=on_time_rate&by=province");

        var units = all.RootElement.GetProperty("units").EnumerateArray().ToList();
        Assert.Equal(["72", "80"], units.Select(u => u.GetProperty("code").GetString()));
        Assert.Equal([1, 2], units.Select(u => u.GetProperty("rank").GetInt32()));
        // Both old provinces became the new Tây Ninh: the viewer sees both, ranked among every province (72 second on on-time rate).
        var mine = own.RootElement.GetProperty("units").EnumerateArray().ToDictionary(u => u.GetProperty("code").GetString()!, u => u.GetProperty("rank").GetInt32());
        Assert.Equal(new Dictionary<string, int> { ["80"] = 1, ["72"] = 2 }, mine);
    }

    [Fact]
    public async Task Index766_scores_the_computable_indicators_and_marks_the_others()
    {
        using var json = await GetJsonAsync("quocgia", "/api/index766?period=2025-04&geo=2008&province=72");

        var unit = Assert.Single(json.RootElement.GetProperty("units").EnumerateArray());
        var indicators = unit.GetProperty("indicators").EnumerateArray().ToList();
        var progress = indicators.Single(i => i.GetProperty("id").GetString() == "2.1");
        // on_time_rate_766 of every sector in 72, April: 7/12, scored linearly on 20 points.
        Assert.Equal(Math.Round(7.0 / 12 * 20, 2), progress.GetProperty("points").GetDouble(), 2);
        Assert.Contains(indicators, i => !i.GetProperty("computed").GetBoolean() && i.GetProperty("missing").GetString()!.Length > 0);
    }

    [Theory]
    [InlineData("/api/kpi?period=2025-13", "2025-13")]
    [InlineData("/api/kpi?period=2025&geo=1999", "1999")]
    [InlineData("/api/kpi?period=2025&province=99", "\"99\"")]
    [InlineData("/api/rankings?period=2025&metric=nope", "nope")]
    [InlineData("/api/kpi?period=2025-04&agency=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "agency: mã")]
    [InlineData("/api/kpi?period=2025-04&agency=AG%01TEST", "agency: mã")]
    [InlineData("/api/kpi?period=2025-04&procedure=KHONG.CO.001", "procedure: mã thủ tục \"KHONG.CO.001\"")]
    [InlineData("/api/rankings?period=2025-04&by=sector&procedure=KHONG.CO.001", "procedure:")]
    [InlineData("/api/index766?period=2025-04&procedure=KHONG.CO.001", "procedure:")]
    [InlineData("/api/kpi?period=2025-04&compare=co", "compare: \"co\"")]
    [InlineData("/api/kpi?period=2025-04&sector=HO%0D%0ATICH", "sector: mã")]
    public async Task A_bad_parameter_is_a_400_in_Vietnamese_naming_it(string path, string named)
    {
        using var client = server.As("quocgia");

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var detail = problem.RootElement.GetProperty("detail").GetString()!;
        Assert.Contains(named, detail, StringComparison.Ordinal);
        Assert.Contains("không", detail, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task More_codes_than_a_filter_takes_are_refused_before_any_query()
    {
        using var client = server.As("quocgia");
        var codes = string.Join(",", Enumerable.Range(1, SelectionLimit + 1).Select(i => $"P{i}"));

        using var response = await client.GetAsync(new Uri($"/api/kpi?period=2025-04&agency={codes}", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal($"agency: tối đa {SelectionLimit} mã, không phải {SelectionLimit + 1}.", problem.RootElement.GetProperty("detail").GetString());
    }

    private const int SelectionLimit = Metrics.Query.SelectionParser.MaxCodes;

    private async Task<JsonDocument> GetJsonAsync(string user, string path)
    {
        using var client = server.As(user);
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body);
    }
}

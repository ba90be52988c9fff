using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ReformMetrics.TestSupport;
using ReformMetrics.Metrics.Api;
using ReformMetrics.Metrics.Catalogue;

namespace ReformMetrics.Metrics.Tests;

/// <summary>The JSON API on a real Kestrel over the hand-made scenario.</summary>
public sealed class KpiApiTests(Scenario scenario) : IClassFixture<Scenario>
{
    [Fact]
    public async Task Kpi_returns_every_metric_key_with_comparisons_and_the_national_satisfaction_target()
    {
        using var json = await GetJsonAsync("/api/kpi?period=2025-04&geo=2008&province=72&sector=HOTICH&compare=true");

        var group = Assert.Single(json.RootElement.GetProperty("groups").EnumerateArray());
        var values = group.GetProperty("values");
        Assert.All(MetricCatalogue.All, m => Assert.True(values.TryGetProperty(m.Key, out _), m.Key));
        Assert.Equal(11, values.GetProperty("received_total").GetDouble());
        Assert.Equal(0.6, values.GetProperty("on_time_rate").GetDouble(), 9);
        Assert.Equal(5, group.GetProperty("previous").GetProperty("received_new").GetDouble());
        var satisfaction = group.GetProperty("targets").GetProperty("satisfaction_index");
        Assert.Equal(0.9, satisfaction.GetProperty("target").GetDouble());
        Assert.False(satisfaction.GetProperty("met").GetBoolean()); // 2/3 < 90%
        Assert.Equal("Tháng 4/2025", json.RootElement.GetProperty("period").GetProperty("label").GetString());
    }

    [Fact]
    public async Task Rankings_rank_provinces_with_ties_sharing_a_rank()
    {
        using var json = await GetJsonAsync("/api/rankings?period=2025-04&geo=2008&metric=received_new&by=province");

        var units = json.RootElement.GetProperty("units").EnumerateArray().ToList();
        Assert.Equal(["72", "80"], units.Select(u => u.GetProperty("code").GetString()));
        Assert.Equal([1, 2], units.Select(u => u.GetProperty("rank").GetInt32()));
    }

    [Fact]
    public async Task Index766_scores_the_computable_indicators_and_marks_the_others()
    {
        using var json = await GetJsonAsync("/api/index766?period=2025-04&geo=2008&province=72");

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
    public async Task A_bad_parameter_is_a_400_in_Vietnamese_naming_it(string path, string named)
    {
        await using var server = await StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(server.Urls.First()) };

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var detail = problem.RootElement.GetProperty("detail").GetString()!;
        Assert.Contains(named, detail, StringComparison.Ordinal);
        Assert.Contains("không", detail, StringComparison.OrdinalIgnoreCase);
    }

    private async Task<JsonDocument> GetJsonAsync(string path)
    {
        await using var server = await StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(server.Urls.First()) };
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body);
    }

    private async Task<WebApplication> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(scenario.Database.Store);
        builder.Services.AddKpi();
        builder.Services.AddProblemDetails();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapKpiApi();
        await app.StartAsync(TestContext.Current.CancellationToken);
        return app;
    }
}

using System.Globalization;
using System.Net;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Builder;

namespace ReformMetrics.Dashboard.Tests;

/// <summary>How fresh the figures are, as the product shows it: the refresh watermark of the dossier state (every event
/// accepted before it is counted) in the JSON of /api/kpi and reform kpi --json (data_as_of) and on the pages that show
/// figures ("Số liệu đến HH:mm dd/MM/yyyy", Vietnam time). Each test sets the watermark table itself and starts a dashboard
/// of its own, whose answer cache has read nothing yet.</summary>
public sealed class FreshnessTests(LimitsServer server) : IClassFixture<LimitsServer>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_answer_and_the_pages_carry_the_latest_watermark_of_the_dossier_state_in_Vietnam_time()
    {
        // 07:04:30.123456 UTC is 14:04:30 in Vietnam. An older watermark, and a later one under another name (not the
        // dossier state's), must not be the one shown.
        await SetWatermarksAsync(
            ("dossier_state", "2026-03-05 06:00:00.000000"), ("dossier_state", "2026-03-05 07:04:30.123456"), ("another_refresh", "2026-03-06 00:00:00.000000"));
        var app = await server.StartAsync();

        using var json = await JsonAsync(app, "quocgia", "/api/kpi?period=2025-04&by=province");
        var overview = await PageAsync(app, "quocgia", "/?period=2025-04");
        var province = await PageAsync(app, "tayninh", "/tinh/80?period=2025-04");
        var overdue = await PageAsync(app, "quocgia", "/qua-han");

        var rows = json.RootElement.EnumerateArray().ToList();
        Assert.NotEmpty(rows);
        Assert.All(rows, row => Assert.Equal("2026-03-05T14:04:30.123456+07:00", row.GetProperty("data_as_of").GetString()));
        Assert.Equal(new DateTimeOffset(2026, 3, 5, 7, 4, 30, TimeSpan.Zero).AddTicks(1_234_560),
            DateTimeOffset.Parse(rows[0].GetProperty("data_as_of").GetString()!, CultureInfo.InvariantCulture));
        foreach (var html in new[] { overview, province, overdue })
        {
            Assert.Contains("<time datetime=\"2026-03-05T14:04:30.123456+07:00\">Số liệu đến 14:04 05/03/2026</time>", html, StringComparison.Ordinal);
        }

        // The figures are the same as before: only the line about them is new.
        Assert.Contains("data-metric=\"received_total\"", overview, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reform_kpi_json_carries_the_same_instant_as_the_API()
    {
        await SetWatermarksAsync(("dossier_state", "2026-11-30 17:59:59.999999"));
        var app = await server.StartAsync();
        var environment = new Dictionary<string, string?> { ["REFORM_ClickHouse__Database"] = server.Store.Database };

        using var api = await JsonAsync(app, "quocgia", "/api/kpi?period=2025-04");
        var cli = await TestSupport.ReformProcess.RunAsync(
            ["--clickhouse", server.Engine.ConnectionString, "kpi", "--period", "2025-04", "--json"], environment);

        Assert.True(cli.ExitCode == 0, cli.StandardError);
        using var printed = JsonDocument.Parse(cli.StandardOutput);
        // 17:59:59.999999 UTC on 30 November is 00:59:59.999999 on 1 December in Vietnam.
        Assert.Equal("2026-12-01T00:59:59.999999+07:00", printed.RootElement[0].GetProperty("data_as_of").GetString());
        Assert.Equal(api.RootElement[0].GetProperty("data_as_of").GetString(), printed.RootElement[0].GetProperty("data_as_of").GetString());
    }

    [Fact]
    public async Task A_cached_answer_is_given_with_the_watermark_that_moved_on_while_nothing_was_new()
    {
        // The refresher moves the watermark on while no event arrives; the figures, and the cached answer, stay the same.
        await SetWatermarksAsync(("dossier_state", "2026-03-05 07:00:00.000000"));
        var app = await server.StartAsync();
        using var before = await JsonAsync(app, "quocgia", "/api/kpi?period=2025-04");
        await using (var connection = server.Store.CreateConnection())
        {
            await connection.ExecuteAsync("INSERT INTO refresh_watermark (name, watermark) VALUES ('dossier_state', '2026-03-05 07:01:00.000000')");
        }

        await Task.Delay(TimeSpan.FromMilliseconds(1_200), Cancel); // the data version is read at most once a second
        using var after = await JsonAsync(app, "quocgia", "/api/kpi?period=2025-04");

        Assert.Equal("2026-03-05T14:00:00.000000+07:00", before.RootElement[0].GetProperty("data_as_of").GetString());
        Assert.Equal("2026-03-05T14:01:00.000000+07:00", after.RootElement[0].GetProperty("data_as_of").GetString());
        Assert.Equal(before.RootElement[0].GetProperty("received_total").GetRawText(), after.RootElement[0].GetProperty("received_total").GetRawText());
    }

    [Fact]
    public async Task Figures_never_refreshed_say_so_and_data_as_of_is_null()
    {
        await SetWatermarksAsync();
        var app = await server.StartAsync();

        using var json = await JsonAsync(app, "quocgia", "/api/kpi?period=2025-04");
        var overview = await PageAsync(app, "quocgia", "/?period=2025-04");

        Assert.Equal(JsonValueKind.Null, Assert.Single(json.RootElement.EnumerateArray()).GetProperty("data_as_of").ValueKind);
        Assert.Contains("<p class=\"as-of\">", overview, StringComparison.Ordinal);
        Assert.Contains("Số liệu chưa được tổng hợp lần nào", overview, StringComparison.Ordinal);
        Assert.DoesNotContain("Số liệu đến", overview, StringComparison.Ordinal);
    }

    /// <summary>Replaces the refresh watermarks with the given ones (UTC).</summary>
    private async Task SetWatermarksAsync(params (string Name, string Watermark)[] watermarks)
    {
        await using var connection = server.Store.CreateConnection();
        await connection.ExecuteAsync(new CommandDefinition("TRUNCATE TABLE refresh_watermark", cancellationToken: Cancel));
        foreach (var (name, watermark) in watermarks)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO refresh_watermark (name, watermark, cohorts, dossiers) SELECT @name, toDateTime64(@watermark, 6, 'UTC'), 0, 0",
                new { name, watermark }, cancellationToken: Cancel));
        }
    }

    private async Task<JsonDocument> JsonAsync(WebApplication app, string user, string path)
    {
        using var client = server.As(app, user);
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), Cancel);
        var body = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body);
    }

    private async Task<string> PageAsync(WebApplication app, string user, string path)
    {
        using var client = server.As(app, user);
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), Cancel);
        var html = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {html}");
        return WebUtility.HtmlDecode(html); // the encoder writes the offset's + as &#x2B;, which a browser reads as +
    }
}

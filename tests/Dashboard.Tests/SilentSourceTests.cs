using System.Globalization;
using System.Net;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;
using ReformMetrics.Ingest.Intake;

namespace ReformMetrics.Dashboard.Tests;

/// <summary>The administration page lists the source systems with when each last had events accepted, and flags one
/// silent longer than Feed:SilentSourceAfter (default 2 hours); the limit is checked on start.</summary>
public sealed class SilentSourceTests(LimitsServer server) : IClassFixture<LimitsServer>, IAsyncLifetime
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>Four sources: one whose events were last accepted 3 hours ago, one 30 minutes ago, one revoked and silent
    /// for 5 hours, and one whose key is 3 hours old and that never sent anything. Times are the server's, as the intake
    /// records them.</summary>
    public async ValueTask InitializeAsync()
    {
        var sources = new ApiSources(server.Store, TimeProvider.System);
        foreach (var name in new[] { "im-lang", "dang-gui", "da-thu-hoi" })
        {
            await sources.AddAsync(name, ["80"], false, Cancel);
        }

        await sources.RevokeAsync("da-thu-hoi", Cancel);
        await using var connection = server.Store.CreateConnection();
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO api_sources (name, key_sha256, provinces, all_provinces, revoked, created_at)
            SELECT 'chua-gui', repeat('0', 64), ['01'], false, false, now64(3) - INTERVAL 3 HOUR
            """, cancellationToken: Cancel));
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO source_activity (source, last_accepted_at, accepted) VALUES
                ('im-lang', now64(6) - INTERVAL 4 HOUR, 10), ('im-lang', now64(6) - INTERVAL 3 HOUR, 5),
                ('dang-gui', now64(6) - INTERVAL 30 MINUTE, 7), ('da-thu-hoi', now64(6) - INTERVAL 5 HOUR, 1)
            """, cancellationToken: Cancel));
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task A_source_silent_beyond_the_default_two_hours_is_flagged_and_one_within_it_is_not()
    {
        var html = await AdminPageAsync(server.Default);

        Assert.Contains("<p class=\"warning\" data-source=\"im-lang\">Không nhận dữ liệu từ im-lang (quá 2 giờ)</p>", html, StringComparison.Ordinal);
        Assert.Contains("Không nhận dữ liệu từ chua-gui (quá 2 giờ kể từ khi cấp khoá, chưa gửi lần nào)", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Không nhận dữ liệu từ dang-gui", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Không nhận dữ liệu từ da-thu-hoi", html, StringComparison.Ordinal); // revoked: silence expected
        // The table: the latest acceptance of each source in Vietnam time (the later of im-lang's two), and its state.
        var now = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(7));
        Assert.Matches(Row("im-lang", Times(now.AddHours(-3)), "im lặng quá 2 giờ"), html);
        Assert.Matches(Row("dang-gui", Times(now.AddMinutes(-30)), "đang nhận"), html);
        Assert.Matches(Row("chua-gui", "chưa lần nào", "im lặng quá 2 giờ"), html);
        Assert.Matches(Row("da-thu-hoi", Times(now.AddHours(-5)), "đã thu hồi khoá"), html);
    }

    [Fact]
    public async Task A_shorter_limit_flags_the_source_that_sent_30_minutes_ago()
    {
        var app = await server.StartAsync(new Dictionary<string, string?> { ["Feed:SilentSourceAfter"] = "00:20:00" });

        var html = await AdminPageAsync(app);

        Assert.Contains("Không nhận dữ liệu từ dang-gui (quá 20 phút)", html, StringComparison.Ordinal);
        Assert.Contains("Không nhận dữ liệu từ im-lang (quá 20 phút)", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00:04:59")]
    [InlineData("7.00:00:01")]
    [InlineData("-02:00:00")]
    public async Task A_limit_out_of_its_bounds_stops_the_start_with_a_Vietnamese_message(string value)
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            server.StartAsync(new Dictionary<string, string?> { ["Feed:SilentSourceAfter"] = value }));

        Assert.Contains("Feed:SilentSourceAfter phải từ 5 phút (00:05:00) đến 7 ngày (7.00:00:00)", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_limit_that_is_not_a_time_span_stops_the_start_naming_the_setting()
    {
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            server.StartAsync(new Dictionary<string, string?> { ["Feed:SilentSourceAfter"] = "2 giờ" }));

        Assert.Contains("Feed:SilentSourceAfter", failure.Message, StringComparison.Ordinal);
    }

    private async Task<string> AdminPageAsync(WebApplication app)
    {
        using var client = server.As(app, "quantri");
        using var response = await client.GetAsync(new Uri("/quan-tri", UriKind.Relative), Cancel);
        var html = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {html}");
        return html;
    }

    /// <summary>The time a row shows, allowing for the minute turning while the test runs.</summary>
    private static string Times(DateTimeOffset around) =>
        "(" + string.Join('|', new[] { -1, 0, 1 }.Select(m => around.AddMinutes(m).ToString("dd/MM/yyyy HH:mm", CultureInfo.InvariantCulture))) + ")";

    private static string Row(string source, string time, string state) =>
        $"<tr data-source=\"{source}\">\\s*<td class=\"text\">{source}</td>\\s*<td class=\"text\">[^<]*</td>\\s*<td>[^<]*</td>\\s*<td>{time}</td>\\s*<td[^>]*>{state}</td>";
}

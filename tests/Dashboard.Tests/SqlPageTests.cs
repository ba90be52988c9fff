using System.Net;
using System.Text.RegularExpressions;

namespace ReformMetrics.Dashboard.Tests;

/// <summary>The analysts' SQL page: a SELECT over the views runs; anything that could read or change something else is
/// refused before it runs, naming why.</summary>
public sealed partial class SqlPageTests(AnalystDashboardServer fixture) : IClassFixture<AnalystDashboardServer>
{
    private readonly DashboardServer server = fixture.Server;

    [Fact]
    public async Task A_select_over_the_views_answers_with_the_hand_computed_figure()
    {
        var (status, html) = await RunAsync("phantich",
            "SELECT sum(received_new) AS received FROM v_kpi_month WHERE geo = 2008 AND province_code = '72' AND month = toDate('2025-04-01')");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("<th>received</th>", html, StringComparison.Ordinal);
        Assert.Contains("<td class=\"text\">9</td>", html, StringComparison.Ordinal); // B, C, D, E, F, G, H, P, T
    }

    [Theory]
    [InlineData("SELECT name, password_hash FROM dashboard_users", "dashboard_users")]
    [InlineData("SELECT * FROM system.tables", "system.tables")]
    [InlineData("SELECT * FROM file('/etc/passwd')", "file")]
    [InlineData("SELECT * FROM url('http://127.0.0.1:1/', CSV, 'a String')", "url")]
    [InlineData("SELECT dossier_id FROM v_dossiers WHERE dossier_id IN dashboard_tokens", "dashboard_tokens")]
    [InlineData("SELECT dossier_id FROM v_dossiers WHERE dossier_id IN (SELECT name FROM dashboard_users)", "dashboard_users")]
    [InlineData("SELECT * FROM v_dossiers AS d JOIN audit_log AS a ON 1", "audit_log")]
    [InlineData("WITH t AS (SELECT 1) SELECT * FROM t", "WITH")]
    [InlineData("SELECT 1 SETTINGS readonly = 0", "SETTINGS")]
    [InlineData("SELECT joinGet('dashboard_users', 'name', 1)", "joinGet")]
    [InlineData("INSERT INTO audit_log (user_name) VALUES ('x')", "SELECT")]
    [InlineData("DROP TABLE events", "SELECT")]
    [InlineData("SELECT file('/etc/hostname')", "file")]
    [InlineData("SELECT length(file('/etc/shadow')) AS n FROM v_dossiers LIMIT 1", "file")]
    [InlineData("SELECT FILE('/etc/hostname')", "FILE")]
    [InlineData("SELECT * FROM `v_dossiers (`.dashboard_users", "v_dossiers (")]
    [InlineData("SELECT * FROM `v_ok (x`", "v_ok (x")]
    [InlineData("SELECT 1 INTO OUTFILE '/tmp/x'", "OUTFILE")]
    public async Task Anything_but_reading_the_views_is_refused_before_it_runs(string sql, string named)
    {
        var (status, html) = await RunAsync("phantich", sql);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains(named, Regex.Match(html, "<p class=\"error\" role=\"alert\">([^<]*)</p>").Groups[1].Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_statement_ClickHouse_cannot_parse_is_a_400_with_its_reason()
    {
        var (status, html) = await RunAsync("quantri", "SELEC 1");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("ClickHouse không hiểu câu truy vấn", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_format_clause_is_a_400_naming_it_not_a_500()
    {
        var (status, html) = await RunAsync("phantich", "SELECT province_code FROM v_kpi_month LIMIT 1 FORMAT JSON");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("FORMAT", Regex.Match(html, "<p class=\"error\" role=\"alert\">([^<]*)</p>").Groups[1].Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_page_runs_as_the_analysts_own_ClickHouse_user_not_as_the_service()
    {
        var (status, html) = await RunAsync("quantri", "SELECT currentUser() AS who");

        Assert.Equal(HttpStatusCode.OK, status);
        var analyst = new ClickHouse.Driver.ADO.ClickHouseClientSettings(fixture.Server.Engine.AnalystConnectionString).Username;
        var service = new ClickHouse.Driver.ADO.ClickHouseClientSettings(fixture.Server.Engine.ConnectionString).Username;
        Assert.NotEqual(service, analyst);
        Assert.Contains($"<td class=\"text\">{analyst}</td>", html, StringComparison.Ordinal);
    }

    private async Task<(HttpStatusCode Status, string Html)> RunAsync(string user, string sql)
    {
        using var client = server.As(user);
        var (cookies, token) = await Forms.OpenAsync(client, "/sql");
        using var response = await Forms.PostAsync(client, "/sql", cookies, token, new() { ["sql"] = sql });
        return (response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("quocgia")]
    [InlineData("tayninh")]
    [InlineData("baocao")]
    public async Task Only_analysts_and_administrators_open_the_page(string user)
    {
        using var response = await server.As(user).GetAsync(new Uri("/sql", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

}

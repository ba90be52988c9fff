using System.CommandLine;
using ReformMetrics.Cli.Bench.Campaign;
using ReformMetrics.Cli.Bench.Hostile;

namespace ReformMetrics.Cli.Tests.Campaigns;

/// <summary>The campaigns' own rules, each checked on answers made up to break it: what a leak is, what another province's
/// data is, which outcome is an error, how a verdict sets the exit code, and that every route of `reform serve` is tried.</summary>
public sealed class CampaignPartsTests
{
    private static readonly Account HanoiViewer = new("bench-t-province", Account.ProvinceViewer, "01", "x", null);

    [Theory]
    [InlineData("System.InvalidOperationException: Sequence contains no elements", LeakDetector.StackTrace)]
    [InlineData("lỗi\n   at ReformMetrics.Dashboard.Pages.PageData.OverviewAsync(Selection selection)\n", LeakDetector.StackTrace)]
    [InlineData("in /src/Dashboard/Pages/PageData.cs:line 42", LeakDetector.StackTrace)]
    [InlineData("{\"detail\":\"Code: 62. DB::Exception: Syntax error: failed at position 1\"}", LeakDetector.ClickHouseText)]
    [InlineData("root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1", LeakDetector.HostFile)]
    [InlineData("<key id=\"a\"><descriptor><masterKey p4:requiresEncryption=\"true\">", LeakDetector.HostFile)]
    [InlineData("{\"Pid\":12,\"HttpPort\":41293,\"QueryId\":\"x\"}", LeakDetector.HostFile)]
    public void A_leak_in_an_answer_is_found_and_named(string body, string kind)
    {
        Assert.Contains(kind, LeakDetector.Find(body, "application/json"));
    }

    [Fact]
    public void A_Vietnamese_problem_detail_and_an_encoded_script_are_not_leaks()
    {
        var problem = "{\"title\":\"Tham số không hợp lệ\",\"status\":400,\"detail\":\"period: \\\"2025-Q9\\\" không phải kỳ hợp lệ\"}";
        var encoded = "<p>Kỳ &lt;script&gt;alert(&#x27;rm-xss&#x27;)&lt;/script&gt; không hợp lệ</p>";

        Assert.Empty(LeakDetector.Find(problem, "application/problem+json"));
        Assert.Empty(LeakDetector.Find(encoded, "text/html"));
        Assert.Equal([LeakDetector.Script], LeakDetector.Find("<p>" + HostileValues.ScriptMarker + "</p>", "text/html"));
    }

    [Fact]
    public void ClickHouse_messages_are_expected_on_the_SQL_page_but_a_stack_trace_never_is()
    {
        var answer = "sql: ClickHouse từ chối câu truy vấn: Code: 47. DB::Exception: Unknown identifier";

        Assert.Empty(LeakDetector.Find(answer, "text/html", clickHouseMessagesExpected: true));
        Assert.Equal([LeakDetector.StackTrace], LeakDetector.Find(answer + "\n   at ClickHouse.Driver.Http.Send()", "text/html", clickHouseMessagesExpected: true));
    }

    [Fact]
    public void A_province_user_given_another_province_in_JSON_or_CSV_or_a_200_for_a_refused_request_is_a_leak()
    {
        var guard = new ProvinceGuard();

        guard.Json(HanoiViewer, "/api/kpi", Ok("[{\"province\":\"01\",\"received_new\":3}]"), ["01"]);
        guard.Json(HanoiViewer, "/api/rankings", Ok("{\"units\":[{\"code\":\"01\",\"rank\":4}]}"), ["01"]);
        guard.Csv(HanoiViewer, "/qua-han/csv", Ok("\uFEFFho_so,tinh\r\nD1,\"Hà Nội\"\r\n"), "tinh", ["Hà Nội"]);
        guard.Refused(HanoiViewer, "/tinh/79", new Answer(403, string.Empty, 1, null, null));
        Assert.Equal((4, 0), (guard.Checks, guard.Leaks));

        guard.Json(HanoiViewer, "/api/kpi", Ok("[{\"province\":\"01\"},{\"province\":\"79\"}]"), ["01"]);
        guard.Json(HanoiViewer, "/api/rankings", Ok("{\"units\":[{\"code\":\"79\",\"rank\":1}]}"), ["01"]);
        guard.Csv(HanoiViewer, "/qua-han/csv", Ok("ho_so,tinh\nD1,Hà Nội\nD2,Thành phố Hồ Chí Minh\n"), "tinh", ["Hà Nội"]);
        guard.Refused(HanoiViewer, "/tinh/79", Ok("<html>"));
        Assert.Equal((8, 4), (guard.Checks, guard.Leaks));
        Assert.Contains(guard.Examples, e => e.Contains("\"79\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Throttling_and_asked_for_refusals_are_not_errors_but_a_5xx_an_unexpected_4xx_or_no_answer_are()
    {
        Assert.False(Timings.IsError(new Outcome(200, Expected: false)));
        Assert.False(Timings.IsError(new Outcome(429, Expected: false)));
        Assert.False(Timings.IsError(new Outcome(403, Expected: true)));
        Assert.True(Timings.IsError(new Outcome(403, Expected: false)));
        Assert.True(Timings.IsError(new Outcome(503, Expected: true)));
        Assert.True(Timings.IsError(new Outcome(Outcome.NoAnswer, Expected: false)));
    }

    [Fact]
    public void Percentiles_are_nearest_rank()
    {
        var sorted = Enumerable.Range(1, 100).Select(i => (double)i).ToList();

        Assert.Equal((50, 95, 99), (Timings.Percentile(sorted, 0.5), Timings.Percentile(sorted, 0.95), Timings.Percentile(sorted, 0.99)));
        Assert.Equal(7, Timings.Percentile([7], 0.99));
    }

    [Theory]
    [InlineData("/tinh/01?period=2026-11&geo=2008", "/tinh/{n}?geo=2008&period")]
    [InlineData("/api/kpi?period=2026-Q3&by=province", "/api/kpi?by=province&period")]
    [InlineData("/qua-han/csv", "/qua-han/csv")]
    public void Slow_paths_are_grouped_by_path_and_the_names_of_their_parameters(string request, string key)
    {
        Assert.Equal(key, Timings.PathKey(request));
    }

    [Fact]
    public void A_failed_criterion_makes_the_exit_code_1_and_a_skipped_one_does_not()
    {
        var skipped = new Verdict();
        skipped.Add(Criterion.Check("a", "0", "0", true));
        skipped.Add(Criterion.Skipped("b", "root", "không có quyền root"));
        var failed = new Verdict();
        failed.Add(Criterion.Check("a", "0", "0", true));
        failed.Add(Criterion.Check("c", "0", "1", false));

        Assert.Equal(0, skipped.Print("t", "./reform bench x"));
        Assert.Equal(1, failed.Print("t", "./reform bench x"));
    }

    [Fact]
    public void Quoted_CSV_fields_are_read_as_exports_write_them()
    {
        var rows = CsvRows.Parse("a,b\r\n\"x, \"\"y\"\"\",'=1+1\r\n");

        Assert.Equal([["a", "b"], ["x, \"y\"", "'=1+1"]], rows);
    }

    [Theory]
    [InlineData("/tinh/{code}", "/tinh/01", true)]
    [InlineData("/tinh/{code}", "/tinh/01/x", false)]
    [InlineData("/static/{**path}", "/static/a/b.css", true)]
    [InlineData("/qua-han", "/qua-han/csv", false)]
    [InlineData("/", "/", true)]
    public void A_page_path_is_matched_to_its_route(string pattern, string path, bool matches)
    {
        Assert.Equal(matches, PageCrawl.Matches(pattern, path));
    }

    [Fact]
    public async Task Every_route_of_reform_serve_is_discovered_with_its_parameters_and_none_reads_the_request_unlisted()
    {
        var root = new RootCommand();
        GlobalOptions.AddTo(root);

        var discovery = await RouteCatalogue.DiscoverAsync(root.Parse([]));
        var routes = discovery.Routes.ToDictionary(r => r.Key);

        // A handler that reads the query by hand and is missing from RouteCatalogue.ReadByHand would go untried: list it there.
        Assert.Empty(discovery.Unlisted);
        Assert.Contains("POST /api/events", routes.Keys);
        Assert.Subset(routes["GET /qua-han/csv"].Parameters.Select(p => p.Name).ToHashSet(), new HashSet<string> { "loai", "sap-xep", "trang", "period", "province", "agency" });
        Assert.Subset(routes["GET /tinh/{code}"].Parameters.Select(p => p.Name).ToHashSet(), new HashSet<string> { "code", "period", "so-sanh" });
        Assert.Subset(routes["POST /dang-nhap"].Parameters.Where(p => p.Source == ParameterSource.Form).Select(p => p.Name).ToHashSet(),
            new HashSet<string> { "name", "password", "returnUrl" });
        Assert.Equal(["GET /bao-cao/tep/{file}", "GET /static/{**path}"], discovery.Routes.Where(r => r.NamesFile).Select(r => r.Key).Order(StringComparer.Ordinal));
        Assert.All(discovery.Routes.Where(r => r.Pattern.StartsWith("/api/", StringComparison.Ordinal) && r.Method == "GET" && r.Pattern != "/api/metrics"),
            r => Assert.Contains(r.Parameters, p => p.Name == "period"));
    }

    private static Answer Ok(string body) => new(200, body, 1, body.StartsWith('<') ? "text/html" : "application/json", null);
}

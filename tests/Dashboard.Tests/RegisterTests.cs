using System.Net;
using System.Text.RegularExpressions;

namespace ReformMetrics.Dashboard.Tests;

/// <summary>The task and feedback pages over the hand-made scenario (Tây Ninh 72, April 2025).</summary>
public sealed partial class RegisterTests(DashboardServer server) : IClassFixture<DashboardServer>
{
    [Fact]
    public async Task The_task_register_lists_each_task_with_its_status_at_the_period_end_matching_the_counts()
    {
        var html = await server.PageAsync("tayninh", "/nhiem-vu?period=2025-04&geo=2008&province=72");

        // At 30/04/2025: T1 done by 20/03 (due 31/03), T2 done 15/04 (late), T3 reported 20/04, T4 due 30/06, T5 due
        // 15/04 not done, T6 done only on 10/05 (due 31/05). T7 belongs to 2024.
        var statuses = Rows(html).ToDictionary(r => r[0], r => r[5]);
        Assert.Equal(new Dictionary<string, string>
        {
            ["T1"] = "Hoàn thành đúng hạn", ["T2"] = "Hoàn thành quá hạn", ["T3"] = "Đã hoàn thành, chờ xác nhận",
            ["T4"] = "Đang thực hiện trong hạn", ["T5"] = "Đang thực hiện quá hạn", ["T6"] = "Đang thực hiện trong hạn",
        }, statuses);
        // The figures of the same page (from the metrics layer): 6 tasks, 1 on time, 1 late, 1 awaiting, 2 within, 1 overdue.
        Assert.Matches(@">Tây Ninh</a></td><td>6</td><td>1</td><td>1</td><td>1</td><td>2</td><td>1</td>", Flat(html));
    }

    [Fact]
    public async Task The_feedback_page_lists_the_items_received_in_the_period_with_their_state_at_its_end()
    {
        var html = await server.PageAsync("quocgia", "/phan-anh?period=2025-04&geo=2008&province=72");

        var rows = Rows(html);
        Assert.Equal(["FB1", "FB2", "FB6", "FB3"], rows.Select(r => r[0]));
        Assert.Equal(["Đã xử lý", "Đang xử lý", "Đã xử lý", "Đang xử lý"], rows.Select(r => r[5]));
        Assert.Equal(["Hộ tịch", "Hộ tịch", "Hộ tịch", "Đất đai"], rows.Select(r => r[2])); // sector names, not codes
    }

    [Theory]
    [InlineData("/nhiem-vu?period=2025-04&province=01")]
    [InlineData("/phan-anh?period=2025-04&province=01")]
    public async Task A_province_viewer_cannot_open_another_province_s_register(string path)
    {
        using var response = await server.As("tayninh").GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    private static List<string[]> Rows(string html)
    {
        var items = Flat(html)[Flat(html).IndexOf("<table class=\"items\">", StringComparison.Ordinal)..];
        return ItemRow().Matches(items).Select(m => Cell().Matches(m.Groups[1].Value).Select(c => c.Groups[1].Value).ToArray()).ToList();
    }

    private static string Flat(string html) => Regex.Replace(html, @"\s*\n\s*", string.Empty);

    [GeneratedRegex(@"<tr>((?:<td class=""text"">[^<]*</td>)+)</tr>")]
    private static partial Regex ItemRow();

    [GeneratedRegex(@"<td class=""text"">([^<]*)</td>")]
    private static partial Regex Cell();
}

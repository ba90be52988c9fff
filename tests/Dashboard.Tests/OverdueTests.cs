using System.Net;
using System.Text.RegularExpressions;

namespace ReformMetrics.Dashboard.Tests;

/// <summary>The overdue-dossier list and its CSV over the hand-made scenario.</summary>
public sealed partial class OverdueTests(DashboardServer server) : IClassFixture<DashboardServer>
{
    [Fact]
    public async Task Resolved_late_in_April_lists_N_and_C_with_their_working_days_overdue_and_apologies()
    {
        // N: due Thu 27/03, resolved Wed 02/04: working days 27, 28, 31/03 and 01/04 = 4. C: due Thu 10/04, resolved
        // Mon 14/04: 10 and 11/04 = 2. Both apologised. Sorted by working days overdue, most first.
        var html = await server.PageAsync("quocgia", "/qua-han?loai=trong-ky&period=2025-04&geo=2008&province=72");

        Assert.Equal(["N", "C"], DossierIds(html));
        Assert.Contains("2 hồ sơ", html, StringComparison.Ordinal);
        Assert.Matches(@"<td class=""text"">N</td>.*?<td>4</td><td class=""good"">Có</td>", Flat(html));
        Assert.Matches(@"<td class=""text"">C</td>.*?<td>2</td><td class=""good"">Có</td>", Flat(html));
    }

    [Theory]
    [InlineData("tayninh", "/tinh/80?period=2025-04", "sector=HOTICH", "/qua-han?loai=trong-ky&period=2025-04&geo=2025&province=80&sector=HOTICH")]
    [InlineData("quocgia", "/tinh/72?period=2025-04&geo=2008", "agency=AG-TEST", "/qua-han?loai=trong-ky&period=2025-04&geo=2008&province=72&agency=AG-TEST")]
    public async Task A_sector_or_agency_of_the_province_page_drills_down_to_its_late_dossiers(string user, string page, string row, string expected)
    {
        var province = await server.PageAsync(user, page);
        var link = Regex.Match(province, $@"href=""(/qua-han\?[^""]*{Regex.Escape(row)})""").Groups[1].Value.Replace("&amp;", "&", StringComparison.Ordinal);

        var dossiers = await server.PageAsync(user, link);

        Assert.Equal(expected, link);
        Assert.Equal(["N", "C"], DossierIds(dossiers));
    }

    [Fact]
    public async Task Sorting_by_a_column_and_flipping_it_reorders_the_list()
    {
        var ascending = await server.PageAsync("quocgia", "/qua-han?loai=trong-ky&period=2025-04&geo=2008&province=72&sap-xep=ngay-qua-han&tang=1");
        var byDossier = await server.PageAsync("quocgia", "/qua-han?loai=trong-ky&period=2025-04&geo=2008&province=72&sap-xep=ho-so&tang=1");

        Assert.Equal(["C", "N"], DossierIds(ascending));
        Assert.Equal(["C", "N"], DossierIds(byDossier));
    }

    [Fact]
    public async Task Overdue_now_lists_the_pending_dossiers_past_their_deadline_but_not_those_waiting_for_the_applicant()
    {
        var html = await server.PageAsync("quocgia", "/qua-han?geo=2008&province=72&sap-xep=ho-so&tang=1");

        var ids = DossierIds(html);
        Assert.Contains("D", ids);
        Assert.Contains("O", ids);
        Assert.DoesNotContain("P", ids); // waiting for a supplement since before its deadline
        Assert.DoesNotContain("A", ids); // resolved
        Assert.Equal(ids.Order(StringComparer.Ordinal), ids);
    }

    [Fact]
    public async Task The_CSV_holds_the_same_rows_in_UTF8_with_a_header_and_is_audited()
    {
        using var client = server.As("tayninh");
        var cancel = TestContext.Current.CancellationToken;

        using var response = await client.GetAsync(new Uri("/qua-han/csv?loai=trong-ky&period=2025-04&geo=2008&province=72", UriKind.Relative), cancel);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = System.Text.Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("\"ho_so\",\"tinh\",\"co_quan\",\"linh_vuc\",\"thu_tuc\",\"kenh\",\"tiep_nhan\",\"han\",\"giai_quyet\",\"so_ngay_lam_viec_qua_han\",\"thu_xin_loi\"", lines[0]);
        Assert.Equal(["\"N\"", "\"C\""], lines.Skip(1).Select(l => l.Split(',')[0]));
        Assert.StartsWith("\"N\",\"Tây Ninh\",", lines[1], StringComparison.Ordinal);
        Assert.EndsWith(",\"25/03/2025 09:00\",\"27/03/2025 17:00\",\"02/04/2025 10:00\",\"4\",\"co\"", lines[1], StringComparison.Ordinal);
        var audit = await ((Users.AuditLog)server.Services.GetService(typeof(Users.AuditLog))!).RecentAsync(100, cancel);
        Assert.Contains(audit, a => a.User == "tayninh" && a.Action == "export" && a.Detail.StartsWith("qua-han.csv?", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("tayninh", "/qua-han?province=01", HttpStatusCode.Forbidden)]
    [InlineData("tayninh", "/qua-han/csv?province=01", HttpStatusCode.Forbidden)]
    [InlineData("quocgia", "/qua-han?sap-xep=mat-khau", HttpStatusCode.BadRequest)]
    [InlineData("quocgia", "/qua-han?trang=0", HttpStatusCode.BadRequest)]
    [InlineData("quocgia", "/qua-han?tang=co", HttpStatusCode.BadRequest)]
    [InlineData("quocgia", "/qua-han?loai=ngay-mai", HttpStatusCode.BadRequest)]
    [InlineData("", "/qua-han/csv", HttpStatusCode.Redirect)]
    public async Task Other_provinces_and_bad_filters_are_refused(string user, string path, HttpStatusCode expected)
    {
        using var client = user.Length == 0 ? server.Anonymous() : server.As(user);

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(expected, response.StatusCode);
    }

    [Theory]
    [InlineData("/qua-han?level=tinh", "level: cấp \"tinh\"")]
    [InlineData("/qua-han?sector=KHONGCO", "sector: mã lĩnh vực \"KHONGCO\"")]
    [InlineData("/qua-han?province=99", "province: mã tỉnh \"99\"")]
    [InlineData("/qua-han?geo=2008&province=N99", "province: mã tỉnh \"N99\"")]
    [InlineData("/qua-han?channel=fax", "channel: kênh \"fax\"")]
    [InlineData("/qua-han?agency=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "agency: mã")]
    [InlineData("/qua-han/csv?level=tinh", "level: cấp \"tinh\"")]
    public async Task Every_filter_of_the_list_is_checked_and_a_bad_one_named_in_Vietnamese(string path, string named)
    {
        using var client = server.As("quocgia");

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(named.Replace("\"", "&quot;", StringComparison.Ordinal), await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    private static List<string> DossierIds(string html) =>
        RowId().Matches(Flat(html)).Select(m => m.Groups[1].Value).ToList();

    private static string Flat(string html) => Regex.Replace(html, @"\s*\n\s*", string.Empty);

    [GeneratedRegex(@"<tr><td class=""text"">([^<]+)</td>")]
    private static partial Regex RowId();
}

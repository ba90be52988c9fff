using System.Net;

namespace ReformMetrics.Dashboard.Tests;

/// <summary>The pages over the hand-made scenario: what each role is shown, sent to, or refused.</summary>
public sealed class PageTests(DashboardServer server) : IClassFixture<DashboardServer>
{
    [Fact]
    public async Task A_page_without_a_login_goes_to_the_login_page_and_comes_back()
    {
        using var client = server.Anonymous();

        using var response = await client.GetAsync(new Uri("/?period=2025-04", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/dang-nhap?ReturnUrl=%2F%3Fperiod%3D2025-04", response.Headers.Location?.PathAndQuery);
    }

    [Fact]
    public async Task The_overview_shows_the_national_cards_and_the_provinces_ranked_with_links_keeping_the_filters()
    {
        var html = await server.PageAsync("quocgia", "/?period=2025-04&geo=2008");

        Assert.Contains("<h1>Toàn quốc · Tháng 4/2025</h1>", html, StringComparison.Ordinal);
        // Tây Ninh's 12 and Long An's K; on time: Long An 1 of 1, Tây Ninh 4 of 6 (66,67%).
        Assert.Contains("data-metric=\"received_total\"", html, StringComparison.Ordinal);
        Assert.Matches("data-metric=\"received_total\"[^>]*>\\s*<div class=\"label\">[^<]*</div>\\s*<div class=\"value\">13</div>", html);
        var longAn = html.IndexOf("<a href=\"/tinh/80?period=2025-04&amp;geo=2008\">Long An</a>", StringComparison.Ordinal);
        var tayNinh = html.IndexOf("<a href=\"/tinh/72?period=2025-04&amp;geo=2008\">Tây Ninh</a>", StringComparison.Ordinal);
        Assert.True(longAn > 0 && tayNinh > longAn, "Long An (100%) ranks above Tây Ninh (66,67%)");
        Assert.Contains("66,67%", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_map_colours_each_province_by_the_chosen_metric_with_its_exact_value_as_tooltip()
    {
        var onTime = await server.PageAsync("quocgia", "/?period=2025-04&geo=2008");
        var online = await server.PageAsync("quocgia", "/?period=2025-04&geo=2008&chi-so=online_share");
        using var client = server.As("quocgia");
        using var bad = await client.GetAsync(new Uri("/?period=2025-04&chi-so=received_total", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Contains("<title>Tây Ninh: 66,67%</title>", onTime, StringComparison.Ordinal);
        Assert.Contains("<title>Long An: 100,00%</title>", onTime, StringComparison.Ordinal);
        // Online: Tây Ninh 2 of 9 new dossiers, Long An 1 of 1.
        Assert.Contains("<title>Tây Ninh: 22,22%</title>", online, StringComparison.Ordinal);
        Assert.Contains("data-province=\"72\"", online, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public void Every_province_of_both_geographies_has_its_own_tile()
    {
        var rows = File.ReadAllLines(Path.Combine(TestSupport.Repository.Root, "sql", "seed", "province_map.csv")).Skip(1).Select(l => l.Split(',')).ToList();

        Assert.Equal(63, rows.Select(r => r[0]).Distinct().Count());
        Assert.Empty(rows.Select(r => r[0]).Concat(rows.Select(r => r[2])).Distinct().Except(Pages.TileMap.Positions.Keys));
        Assert.Equal(Pages.TileMap.Positions.Count, Pages.TileMap.Positions.Values.Distinct().Count());
    }

    [Fact]
    public async Task A_province_viewer_is_sent_to_their_province_and_refused_another_one()
    {
        using var client = server.As("tayninh");
        var cancel = TestContext.Current.CancellationToken;

        using var home = await client.GetAsync(new Uri("/?period=2025-04", UriKind.Relative), cancel);
        using var other = await client.GetAsync(new Uri("/tinh/01?period=2025-04", UriKind.Relative), cancel);
        var own = await server.PageAsync("tayninh", "/tinh/80?period=2025-04");

        Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
        Assert.Equal("/tinh/80?period=2025-04&geo=2025", home.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Contains("không xem được &quot;01&quot;", await other.Content.ReadAsStringAsync(cancel), StringComparison.Ordinal);
        Assert.Contains("<h1>Tây Ninh · Tháng 4/2025</h1>", own, StringComparison.Ordinal);
        Assert.Matches("<div class=\"value\">13</div>", own);
        Assert.Contains("data-chart=", own, StringComparison.Ordinal);
        Assert.Contains("Hộ tịch", own, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sector_and_comparison_filters_of_the_URL_apply_to_the_cards_and_stay_in_the_links()
    {
        var html = await server.PageAsync("quocgia", "/tinh/72?period=2025-04&geo=2008&sector=HOTICH&so-sanh=cung-ky");
        var overview = await server.PageAsync("quocgia", "/?period=2025-04&geo=2008&sector=HOTICH&so-sanh=cung-ky");

        // Civil status in old Tây Ninh, April 2025: 11 dossiers (the form's row); nothing a year earlier to compare with.
        Assert.Matches("data-metric=\"received_total\"[^>]*>\\s*<div class=\"label\">[^<]*</div>\\s*<div class=\"value\">11</div>", html);
        Assert.Contains("— so với cùng kỳ năm trước", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/tinh/72?period=2025-04&amp;geo=2008&amp;sector=HOTICH&amp;so-sanh=cung-ky\">", overview, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/?period=2025-04&level=tinh")]
    [InlineData("/?period=2025-04&so-sanh=hom-qua")]
    [InlineData("/tinh/80?period=2025-04&channel=fax")]
    [InlineData("/tinh/80?period=2025-04&procedure=1.000001")]
    [InlineData("/?period=2025-04&period=2025-05")]
    [InlineData("/?period=2025-04&sector=HOTICH,DATDAI")]
    [InlineData("/nhiem-vu?period=2025-04&agency=AG-TEST")]
    public async Task A_bad_filter_value_is_a_400(string path)
    {
        using var response = await server.As("quocgia").GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task The_province_page_shows_its_766_index_with_the_groups_and_what_cannot_be_computed()
    {
        var html = await server.PageAsync("quocgia", "/tinh/72?period=2025-04&geo=2008");

        // 2.1: on time or within the deadline by the 766 rule, 7 of 12, scored linearly on 20 points = 11,67.
        Assert.Matches(@"<td class=""text"">2\.1 [^<]*</td>\s*<td>58,33%</td>\s*<td>11,67</td>", html);
        Assert.Contains("chưa tính được", html, StringComparison.Ordinal);
        Assert.Contains("Quyết định 766/QĐ-TTg", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_filter_is_a_400_page_naming_it()
    {
        using var client = server.As("quocgia");

        using var response = await client.GetAsync(new Uri("/?period=2025-13", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("2025-13", html, StringComparison.Ordinal);
        Assert.Contains("<html lang=\"vi\">", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_documentation_page_lists_every_metric_with_its_Vietnamese_explanation_and_the_analyst_views()
    {
        var html = await server.PageAsync("tayninh", "/chi-so");

        Assert.All(Metrics.Catalogue.MetricCatalogue.All, m =>
        {
            Assert.Contains($"<tr id=\"{m.Key}\">", html, StringComparison.Ordinal);
            Assert.Contains(m.Explanation, html, StringComparison.Ordinal);
        });
        Assert.Contains("<h2 id=\"how-to-connect\">How to connect</h2>", html, StringComparison.Ordinal);
        Assert.Contains("v_overdue_now", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_static_files_are_served_from_the_assembly_with_chart_js()
    {
        using var client = server.Anonymous();
        var cancel = TestContext.Current.CancellationToken;

        var chart = await client.GetStringAsync(new Uri("/static/chart.umd.min.js", UriKind.Relative), cancel);
        var css = await client.GetStringAsync(new Uri("/static/site.css", UriKind.Relative), cancel);

        Assert.Contains("Chart.js", chart, StringComparison.Ordinal);
        Assert.Contains(".cards", css, StringComparison.Ordinal);
    }

}

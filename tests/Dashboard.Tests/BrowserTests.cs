using PuppeteerSharp;
using ReformMetrics.Dashboard.Users;

namespace ReformMetrics.Dashboard.Tests;

/// <summary>Every page, opened in chromium as each role after signing in through the form: the page answers, the browser
/// logs no error, and a screenshot is saved (desktop, and the province page on a phone).</summary>
public sealed class BrowserTests(BrowserSite site) : IClassFixture<BrowserSite>
{
    private const string Period = "2025-Q4";

    public static TheoryData<string> Roles() => new(BrowserSite.Users.Select(u => u.User));

    [Theory]
    [MemberData(nameof(Roles))]
    public async Task Every_page_opens_without_a_browser_error_for_each_role(string user)
    {
        var role = BrowserSite.Users.Single(u => u.User == user);
        await using var page = await site.Browser.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, e) =>
        {
            if (e.Message.Type == ConsoleType.Error)
            {
                errors.Add($"console: {e.Message.Text} ({e.Message.Location?.URL})");
            }
        };
        page.PageError += (_, e) => errors.Add($"page: {e.Message}");
        await page.SetViewportAsync(new ViewPortOptions { Width = 1366, Height = 900 });

        await page.GoToAsync($"{site.BaseUrl}/dang-nhap");
        await page.TypeAsync("input[name=name]", user);
        await page.TypeAsync("input[name=password]", BrowserSite.Password);
        await Task.WhenAll(page.WaitForNavigationAsync(), page.ClickAsync("form.login button"));
        Assert.DoesNotContain("/dang-nhap", page.Url, StringComparison.Ordinal);

        var province = role.Province ?? "01";
        var pages = new List<(string Name, string Path)>
        {
            ("tong-quan", $"/?period={Period}"), ("tinh", $"/tinh/{province}?period={Period}"), ("qua-han", $"/qua-han?loai=trong-ky&period={Period}"),
            ("nhiem-vu", $"/nhiem-vu?period={Period}"), ("phan-anh", $"/phan-anh?period={Period}&province={province}"),
            ("bao-cao", "/bao-cao"), ("chi-so", "/chi-so"),
        };
        if (role.Role == Role.Admin)
        {
            pages.Add(("quan-tri", "/quan-tri"));
        }

        if (role.Role is Role.Admin or Role.Analyst)
        {
            pages.Add(("sql", "/sql"));
        }
        foreach (var (name, path) in pages)
        {
            var response = await page.GoToAsync($"{site.BaseUrl}{path}", WaitUntilNavigation.Networkidle0);
            Assert.True(response.Ok, $"{user} {path}: {response.Status}");
            Assert.Contains("ReformMetrics", await page.GetTitleAsync(), StringComparison.Ordinal);
            await page.ScreenshotAsync(Path.Combine(BrowserSite.Screenshots, $"{user}-{name}.png"), new ScreenshotOptions { FullPage = name is "tong-quan" or "tinh" });
        }

        if (role.Role.IsProvinceBound())
        {
            // The overview sent them to their province; the chart drew on its canvas.
            await page.GoToAsync($"{site.BaseUrl}/?period={Period}", WaitUntilNavigation.Networkidle0);
            Assert.EndsWith($"/tinh/{province}?period={Period}&geo=2025", page.Url, StringComparison.Ordinal);
        }

        await page.SetViewportAsync(new ViewPortOptions { Width = 390, Height = 844, DeviceScaleFactor = 2, IsMobile = true });
        await page.GoToAsync($"{site.BaseUrl}/tinh/{province}?period={Period}", WaitUntilNavigation.Networkidle0);
        await page.ScreenshotAsync(Path.Combine(BrowserSite.Screenshots, $"{user}-tinh-dien-thoai.png"));
        Assert.True(await page.EvaluateExpressionAsync<bool>("typeof Chart === 'function' && Chart.getChart('trend') !== undefined"), "the trend chart was drawn");
        Assert.Empty(errors);
    }
}

using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using ReformMetrics.Reports.Scheduling;

namespace ReformMetrics.Dashboard.Tests;

/// <summary>The reports page: scheduled files by who may see them, downloads, and reports made on demand.</summary>
public sealed partial class ReportPageTests(DashboardServer server) : IClassFixture<DashboardServer>
{
    private static readonly JsonSerializerOptions SnakeCase = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private static readonly string[] Files = ["tthc-results-80-2025-04.xlsx", "tthc-results-01-2025-04.xlsx", "provinces-toan-quoc-2025-04.xlsx"];

    [Fact]
    public async Task Each_user_sees_and_downloads_only_the_scheduled_files_of_what_they_may_see()
    {
        await ShelveAsync();
        var cancel = TestContext.Current.CancellationToken;

        var national = await PageAsync("quocgia");
        var province = await PageAsync("tayninh");
        using var own = await server.As("tayninh").GetAsync(new Uri("/bao-cao/tep/tthc-results-80-2025-04.xlsx", UriKind.Relative), cancel);
        using var other = await server.As("tayninh").GetAsync(new Uri("/bao-cao/tep/tthc-results-01-2025-04.xlsx", UriKind.Relative), cancel);
        using var workbook = await server.As("tayninh").GetAsync(new Uri("/bao-cao/tep/provinces-toan-quoc-2025-04.xlsx", UriKind.Relative), cancel);
        using var escape = await server.As("quocgia").GetAsync(new Uri("/bao-cao/tep/..%2Fmanifest.json", UriKind.Relative), cancel);

        Assert.All(Files, f => Assert.Contains(f, national, StringComparison.Ordinal));
        Assert.Contains(Files[0], province, StringComparison.Ordinal);
        Assert.DoesNotContain(Files[1], province, StringComparison.Ordinal);
        Assert.DoesNotContain(Files[2], province, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal("x80"u8.ToArray(), await own.Content.ReadAsByteArrayAsync(cancel));
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, workbook.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, escape.StatusCode);
        Assert.DoesNotContain("Lập báo cáo", province, StringComparison.Ordinal); // viewers do not make reports
    }

    [Fact]
    public async Task A_report_officer_makes_their_province_s_bulletin_now_but_not_another_province_s()
    {
        var cancel = TestContext.Current.CancellationToken;
        using var client = server.As("baocao");
        var (cookies, token) = await Forms.OpenAsync(client, "/bao-cao");

        using var made = await Forms.PostAsync(client, "/bao-cao/lap", cookies, token, new() { ["form"] = "bulletin", ["format"] = "pdf", ["period"] = "2025-04" });
        using var other = await Forms.PostAsync(client, "/bao-cao/lap", cookies, token, new() { ["form"] = "bulletin", ["format"] = "pdf", ["period"] = "2025-04", ["province"] = "01" });
        using var viewer = await Forms.PostAsync(server.As("tayninh"), "/bao-cao/lap", cookies, token, new() { ["form"] = "bulletin", ["format"] = "pdf", ["period"] = "2025-04" });
        using var forged = await Forms.PostAsync(client, "/bao-cao/lap", cookies, null, new() { ["form"] = "bulletin", ["format"] = "pdf", ["period"] = "2025-04" });

        Assert.Equal(HttpStatusCode.OK, made.StatusCode);
        Assert.Equal("application/pdf", made.Content.Headers.ContentType?.MediaType);
        Assert.Equal("bulletin-80-2025-04-chot15.pdf", made.Content.Headers.ContentDisposition?.FileName);
        Assert.Equal("%PDF"u8.ToArray(), (await made.Content.ReadAsByteArrayAsync(cancel))[..4]);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, viewer.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        var audit = await ((Users.AuditLog)server.Services.GetService(typeof(Users.AuditLog))!).RecentAsync(100, cancel);
        Assert.Contains(audit, a => a.User == "baocao" && a.Action == "export" && a.Detail == "bulletin-80-2025-04-chot15.pdf");
    }

    private async Task ShelveAsync()
    {
        var manifest = new ReportManifest();
        foreach (var file in Files)
        {
            var province = file.Split('-')[2] is var p && p.Length == 2 ? p : string.Empty;
            await File.WriteAllTextAsync(Path.Combine(server.ReportsDirectory, file), "x" + province, TestContext.Current.CancellationToken);
            manifest.Files.Add(new ScheduledFile("monthly", DateTimeOffset.UnixEpoch, "2025-04", file.StartsWith("provinces", StringComparison.Ordinal) ? "provinces" : "tthc-results",
                province, file, DateTimeOffset.UnixEpoch));
        }

        await File.WriteAllTextAsync(Path.Combine(server.ReportsDirectory, ReportManifest.FileName),
            JsonSerializer.Serialize(manifest, SnakeCase), TestContext.Current.CancellationToken);
    }

    private async Task<string> PageAsync(string user)
    {
        using var response = await server.As(user).GetAsync(new Uri("/bao-cao", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
    }

}

using System.Text.RegularExpressions;

namespace ReformMetrics.Cli.Tests.Campaigns;

/// <summary>Short runs of the load campaign against `reform serve` over the shared campaign data.</summary>
public sealed class LoadCampaignRunTests(CampaignData data)
{
    [Fact]
    public async Task A_twenty_second_load_run_times_every_kind_of_request_and_finds_every_event_stored_once()
    {
        var result = await data.ReformAsync(["bench", "load", "--users", "5", "--minutes", "0.34", "--think", "1", "--events-per-second", "20"], TimeSpan.FromMinutes(5));
        var output = result.StandardOutput;

        Assert.True(result.ExitCode == 0, output + result.StandardError);
        Assert.Matches(@"Tải: 5 người dùng, 0,[34] phút", output);
        Assert.All(new[] { "đăng nhập", "trang", "nạp sự kiện (POST /api/events)" }, kind => Assert.Matches(@$"│ {Regex.Escape(kind)}\s+│ [1-9]", output));
        Assert.Matches(@"sự kiện mất\s+│ 0\s+│ 0\s+│ ĐẠT", output);
        Assert.Matches(@"sự kiện lưu hai lần\s+│ 0\s+│ 0\s+│ ĐẠT", output);
        Assert.Matches(@"người dùng tỉnh nhận dữ liệu tỉnh khác\s+│ 0 \(trên [1-9][\d.]* lần kiểm tra\)", output);
        Assert.Contains("Chạy lại: ./reform bench load --users 5 --minutes 0.34 --think 1 --events-per-second 20", output, StringComparison.Ordinal);
    }
}

/// <summary>A quick hostile-input run on a few routes (one naming a file), two roles and the intake.</summary>
public sealed class HostileCampaignRunTests(CampaignData data)
{
    [Fact]
    public async Task A_quick_hostile_run_tries_the_routes_for_each_role_and_reports_its_verdict_with_the_command()
    {
        var result = await data.ReformAsync(
            ["bench", "hostile", "--quick", "--routes", "/api/kpi,/bao-cao/tep,/api/events", "--roles", "anonymous,province"], TimeSpan.FromMinutes(5));
        var output = result.StandardOutput;

        Assert.True(result.ExitCode == (output.Contains("KHÔNG ĐẠT:", StringComparison.Ordinal) ? 1 : 0), output + result.StandardError);
        Assert.Matches(@"Đã thử [1-9][\d.]* yêu cầu trên các trang và API, [1-9][\d.]* thân dữ liệu tới POST /api/events", output);
        Assert.All(new[] { "GET /api/kpi", "GET /bao-cao/tep/{file}", "POST /api/events: khoá API", "POST /api/events: trường CSV" },
            kind => Assert.Matches(@$"│ {Regex.Escape(kind)}\s+│ [1-9]", output));
        Assert.Matches(@"đường dẫn đọc tham số tự viết chưa có trong danh sách\s+│ 0\s+│ 0\s+│ ĐẠT", output);
        Assert.Matches(@"lộ thông tin \(.*\)\s+│ 0\s+│ 0\s+│ ĐẠT", output);
        Assert.Matches(@"người dùng tỉnh nhận dữ liệu tỉnh khác\s+│ 0 \(trên [1-9][\d.]* lần kiểm tra\)\s+│ 0\s+│ ĐẠT", output);
        Assert.Contains("Chạy lại: ./reform bench hostile --quick --routes /api/kpi,/bao-cao/tep,/api/events --roles anonymous,province", output, StringComparison.Ordinal);
    }
}

/// <summary>The report scenario of the fault campaign: a report killed while it writes leaves no half file under its name.</summary>
public sealed class FaultsCampaignRunTests(CampaignData data)
{
    [Fact]
    public async Task A_report_killed_while_it_writes_leaves_no_half_file_under_its_name()
    {
        var result = await data.ReformAsync(["bench", "faults", "--scenarios", "report-kill"], TimeSpan.FromMinutes(5));
        var output = result.StandardOutput;

        Assert.True(result.ExitCode == 0, output + result.StandardError);
        Assert.Matches(@"report-kill: bulletin\.pdf bị dừng giữa lúc ghi\s+│ có\s+│ có\s+│ ĐẠT", output);
        Assert.Matches(@"report-kill: không có tệp provinces\.xlsx dở dang\s+│ 0\s+│ 0", output);
        Assert.Contains("Chạy lại: ./reform bench faults --scenarios report-kill", output, StringComparison.Ordinal);
    }
}

using System.CommandLine;
using ReformMetrics.Cli.Bench.Campaign;

namespace ReformMetrics.Cli.Bench.Load;

/// <summary>`reform bench load [--users N] [--minutes M] [--think S] [--events-per-second R] [--dossiers D]`.</summary>
internal static class LoadCommand
{
    public static Command Create()
    {
        var users = new Option<int>("--users") { Description = "Số người dùng đồng thời, đủ các vai trò (mặc định 50)", DefaultValueFactory = _ => 50 };
        var minutes = new Option<string>("--minutes") { Description = "Thời gian chạy tải, phút, ví dụ 5 hoặc 0.5 (mặc định 5)", DefaultValueFactory = _ => "5" };
        var think = new Option<string>("--think") { Description = "Thời gian nghĩ trung bình giữa hai lần bấm, giây (mặc định 5)", DefaultValueFactory = _ => "5" };
        var rate = new Option<string>("--events-per-second") { Description = "Số sự kiện gửi qua POST /api/events mỗi giây (mặc định 20)", DefaultValueFactory = _ => "20" };
        var dossiers = new Option<long>("--dossiers") { Description = "Số hồ sơ mẫu khi kho chưa có dữ liệu (reform demo; mặc định 20.000)", DefaultValueFactory = _ => 20_000 };
        var command = new Command("load", "Chiến dịch tải: nhiều người dùng đủ vai trò xem và xuất số liệu trong khi sự kiện được nạp qua HTTP; p50/p95/p99, lỗi, sự kiện gửi và lưu.")
        {
            users, minutes, think, rate, dossiers,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new LoadOptions(parse.GetValue(users), CampaignOptions.Decimal("--minutes", parse.GetValue(minutes)), CampaignOptions.Decimal("--think", parse.GetValue(think)),
                CampaignOptions.Decimal("--events-per-second", parse.GetValue(rate)), parse.GetValue(dossiers));
            if (options.Users is < 1 or > 1000)
            {
                throw new UsageException("--users phải từ 1 đến 1.000.");
            }

            if (options.Minutes is <= 0 or > 240 || options.ThinkSeconds is < 0 or > 600 || options.EventsPerSecond is < 0.1 or > 10_000)
            {
                throw new UsageException("--minutes phải trong (0; 240], --think trong [0; 600], --events-per-second trong [0,1; 10.000].");
            }

            if (options.Dossiers is < 1000 or > 50_000_000)
            {
                throw new UsageException("--dossiers phải từ 1.000 đến 50.000.000.");
            }

            return await CampaignRun.GuardAsync(() => LoadCampaign.RunAsync(parse, options, cancellationToken));
        });
        return command;
    }
}

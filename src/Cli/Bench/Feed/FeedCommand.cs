using System.CommandLine;
using ReformMetrics.Cli.Bench.Campaign;

namespace ReformMetrics.Cli.Bench.Feed;

/// <summary>`reform bench feed [--events-per-second R] [--minutes M] [--clients C] [--dossiers N] [--no-verify]`.</summary>
internal static class FeedCommand
{
    public static Command Create()
    {
        var rate = new Option<string>("--events-per-second") { Description = "Tổng số sự kiện gửi mỗi giây từ 34 nguồn (mặc định 3000: giờ cao điểm toàn quốc nhanh gấp 10)", DefaultValueFactory = _ => "3000" };
        var minutes = new Option<string>("--minutes") { Description = "Thời gian gửi, phút (mặc định 5)", DefaultValueFactory = _ => "5" };
        var clients = new Option<int>("--clients") { Description = "Số người xem trang tổng quan và trang tỉnh cùng lúc (mặc định 16)", DefaultValueFactory = _ => 16 };
        var dossiers = new Option<long>("--dossiers") { Description = "Số hồ sơ mẫu khi kho chưa có dữ liệu (mặc định 20.000.000)", DefaultValueFactory = _ => 20_000_000 };
        var noVerify = new Option<bool>("--no-verify") { Description = "Bỏ bước so sánh với dựng lại toàn bộ (lâu trên kho lớn)" };
        var command = new Command("feed", "Luồng sự kiện toàn quốc qua POST /api/events trong khi người xem đọc trang: tốc độ nhận, độ trễ số liệu, p50/p95/p99, so với INSERT CSV và SELECT 1.")
        {
            rate, minutes, clients, dossiers, noVerify,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new FeedOptions(CampaignOptions.Decimal("--events-per-second", parse.GetValue(rate)), CampaignOptions.Decimal("--minutes", parse.GetValue(minutes)),
                parse.GetValue(clients), parse.GetValue(dossiers), !parse.GetValue(noVerify));
            if (options.EventsPerSecond is < 1 or > 100_000 || options.Minutes is <= 0 or > 240)
            {
                throw new UsageException("--events-per-second phải từ 1 đến 100.000; --minutes trong (0; 240].");
            }

            if (options.Clients is < 0 or > 256 || options.Dossiers is < 1000 or > 50_000_000)
            {
                throw new UsageException("--clients phải từ 0 đến 256; --dossiers từ 1.000 đến 50.000.000.");
            }

            return await CampaignRun.GuardAsync(() => FeedCampaign.RunAsync(parse, options, cancellationToken));
        });
        return command;
    }
}

using System.CommandLine;
using ReformMetrics.Cli.Bench.Campaign;

namespace ReformMetrics.Cli.Bench.Faults;

/// <summary>`reform bench faults [--scenarios S,...] [--recovery-seconds N] [--ingest-events N] [--disk-mb N] [--dossiers D]`.</summary>
internal static class FaultsCommand
{
    public static Command Create()
    {
        var scenarios = new Option<string?>("--scenarios") { Description = $"Các kịch bản, cách nhau bằng dấu phẩy (mặc định tất cả: {string.Join(",", FaultsOptions.All)})" };
        var recovery = new Option<int>("--recovery-seconds") { Description = "Thời gian tối đa để dịch vụ phục hồi sau lỗi, giây (mặc định 60)", DefaultValueFactory = _ => 60 };
        var ingestEvents = new Option<long>("--ingest-events") { Description = "Số sự kiện của tệp nạp khi dừng bộ máy (mặc định 1.000.000)", DefaultValueFactory = _ => 1_000_000 };
        var diskMb = new Option<int>("--disk-mb") { Description = "Dung lượng tmpfs của kịch bản đầy đĩa, MB (mặc định 1.024)", DefaultValueFactory = _ => 1024 };
        var dossiers = new Option<long>("--dossiers") { Description = "Số hồ sơ mẫu khi kho chưa có dữ liệu (reform demo; mặc định 20.000)", DefaultValueFactory = _ => 20_000 };
        var command = new Command("faults", "Chiến dịch lỗi: dừng bộ máy ClickHouse khi đang tải và khi đang nạp, đầy đĩa, dừng giữa lúc ghi báo cáo, dừng máy chủ giữa lần chạy báo cáo theo lịch.")
        {
            scenarios, recovery, ingestEvents, diskMb, dossiers,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var list = (parse.GetValue(scenarios) ?? string.Join(',', FaultsOptions.All)).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (list.FirstOrDefault(s => !FaultsOptions.All.Contains(s)) is { } unknown)
            {
                throw new UsageException($"--scenarios: \"{unknown}\" không phải kịch bản; dùng {string.Join(", ", FaultsOptions.All)}.");
            }

            if (parse.GetValue(recovery) is < 1 or > 3600 || parse.GetValue(ingestEvents) is < 1000 or > 100_000_000 || parse.GetValue(diskMb) is < 64 or > 65_536
                || parse.GetValue(dossiers) is < 1000 or > 50_000_000)
            {
                throw new UsageException("--recovery-seconds phải từ 1 đến 3.600, --ingest-events từ 1.000 đến 100.000.000, --disk-mb từ 64 đến 65.536, --dossiers từ 1.000 đến 50.000.000.");
            }

            var options = new FaultsOptions(list, parse.GetValue(recovery), parse.GetValue(ingestEvents), parse.GetValue(diskMb), parse.GetValue(dossiers));
            return await CampaignRun.GuardAsync(() => FaultsCampaign.RunAsync(parse, options, cancellationToken));
        });
        return command;
    }
}

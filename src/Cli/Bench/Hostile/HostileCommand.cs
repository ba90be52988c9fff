using System.CommandLine;
using ReformMetrics.Cli.Bench.Campaign;

namespace ReformMetrics.Cli.Bench.Hostile;

/// <summary>`reform bench hostile [--quick] [--routes P,...] [--roles R,...] [--parallel N] [--dossiers D]`.</summary>
internal static class HostileCommand
{
    public static Command Create()
    {
        var quick = new Option<bool>("--quick") { Description = "Mỗi loại giá trị độc hại một giá trị, bỏ bom gzip và các thân dữ liệu hàng MB (chạy thử nhanh)" };
        var routes = new Option<string?>("--routes") { Description = "Chỉ thử các đường dẫn bắt đầu bằng các tiền tố này, cách nhau bằng dấu phẩy (ví dụ /api,/qua-han)" };
        var roles = new Option<string?>("--roles") { Description = $"Các vai trò thử, cách nhau bằng dấu phẩy (mặc định: {string.Join(",", HostileOptions.AllRoles)})" };
        var parallel = new Option<int>("--parallel") { Description = "Số yêu cầu gửi đồng thời (mặc định 4)", DefaultValueFactory = _ => 4 };
        var minutes = new Option<string>("--minutes") { Description = "Thời gian tối đa, phút: mọi tham số được thử với một giá trị mỗi loại, các giá trị còn lại đến khi hết giờ (mặc định 8)", DefaultValueFactory = _ => "8" };
        var dossiers = new Option<long>("--dossiers") { Description = "Số hồ sơ mẫu khi kho chưa có dữ liệu (reform demo; mặc định 20.000)", DefaultValueFactory = _ => 20_000 };
        var command = new Command("hostile", "Chiến dịch đầu vào độc hại: mọi tham số của mọi trang và API với mọi vai trò, dữ liệu hỏng và bom gzip tới POST /api/events; 0 lỗi 500, 0 lộ thông tin.")
        {
            quick, routes, roles, parallel, minutes, dossiers,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var roleList = List(parse.GetValue(roles)) is { Length: > 0 } asked ? asked : HostileOptions.AllRoles;
            if (roleList.FirstOrDefault(r => !HostileOptions.AllRoles.Contains(r)) is { } unknown)
            {
                throw new UsageException($"--roles: \"{unknown}\" không phải vai trò; dùng {string.Join(", ", HostileOptions.AllRoles)}.");
            }

            var routeList = List(parse.GetValue(routes));
            if (routeList.FirstOrDefault(r => !r.StartsWith('/')) is { } bad)
            {
                throw new UsageException($"--routes: \"{bad}\" phải bắt đầu bằng /.");
            }

            if (parse.GetValue(parallel) is < 1 or > 64 || parse.GetValue(dossiers) is < 1000 or > 50_000_000)
            {
                throw new UsageException("--parallel phải từ 1 đến 64, --dossiers từ 1.000 đến 50.000.000.");
            }

            var budget = CampaignOptions.Decimal("--minutes", parse.GetValue(minutes));
            if (budget is <= 0 or > 600)
            {
                throw new UsageException("--minutes phải trong (0; 600].");
            }

            var options = new HostileOptions(parse.GetValue(quick), routeList, roleList, parse.GetValue(parallel), parse.GetValue(dossiers), budget);
            return await CampaignRun.GuardAsync(() => HostileCampaign.RunAsync(parse, options, cancellationToken));
        });
        return command;
    }

    private static string[] List(string? text) =>
        (text ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

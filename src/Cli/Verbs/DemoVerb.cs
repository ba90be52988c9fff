using System.CommandLine;

namespace ReformMetrics.Cli.Verbs;

/// <summary>
/// `reform demo`: for now starts the engine and creates the schema. Generating and ingesting the demo year,
/// the sample reports and the dashboard come with the issues that build them.
/// </summary>
internal static class DemoVerb
{
    public static Command Create()
    {
        var command = new Command("demo", "Chạy thử toàn hệ thống trên dữ liệu mẫu.");
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var cli = await CliHost.StartAsync(parse, cancellationToken);
            var result = await MigrateVerb.MigrateAsync(cli, cancellationToken);
            var where = cli.Store.Engine is { } engine
                ? $"ClickHouse nhúng, dữ liệu tại {engine.Layout.Root}"
                : "máy chủ ClickHouse đã cấu hình";
            ConsoleUi.Success($"Kho dữ liệu sẵn sàng ({where}); cơ sở dữ liệu {cli.Store.Database} có {result.Applied.Count + result.AlreadyApplied} migration.");
            ConsoleUi.Info("Chưa có dữ liệu: bộ sinh dữ liệu mẫu, nạp dữ liệu, báo cáo và bảng điều khiển chưa được xây dựng ở phiên bản này.");
            return ReformCommand.Ok;
        });
        return command;
    }
}

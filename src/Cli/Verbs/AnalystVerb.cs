using System.CommandLine;
using Spectre.Console;
using System.Globalization;
using ClickHouse.Driver.ADO;
using ReformMetrics.Store;
using ReformMetrics.Store.Embedded;

namespace ReformMetrics.Cli.Verbs;

/// <summary>
/// `reform analyst`: prints the connection string of the analysts' ClickHouse user, for an external client (DBeaver, a
/// Python or Node client, ClickHouse.Driver), and says on stderr what that user may read and within which limits.
/// </summary>
internal static class AnalystVerb
{
    public const string NotConfigured =
        "Chưa có tài khoản ClickHouse cho người phân tích: với máy chủ ClickHouse, tạo tài khoản theo SECURITY.md rồi đặt ClickHouse:AnalystConnectionString (hoặc REFORM_CLICKHOUSE_ANALYST).";

    public static Command Create()
    {
        var command = new Command("analyst", "In chuỗi kết nối của tài khoản ClickHouse dành cho người phân tích (chỉ đọc các view v_*).");
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var cli = await CliHost.StartAsync(parse, cancellationToken);
            var connection = cli.Store.AnalystConnectionString ?? throw new UsageException(NotConfigured);
            var settings = new ClickHouseClientSettings(connection);
            var vi = CultureInfo.GetCultureInfo("vi-VN");
            ConsoleUi.Out.WriteLine(connection);
            ConsoleUi.Info($"Tài khoản {settings.Username} trên {settings.Host}:{settings.Port}: chỉ đọc các view v_* của cơ sở dữ liệu {cli.Store.Database} (docs/sql-views.md).");
            if (cli.Store.Engine is { } engine)
            {
                ConsoleUi.Info(
                    $"Giới hạn do ClickHouse áp đặt: {EngineUsers.AnalystMaxSeconds} giây, {EngineUsers.AnalystMaxMemoryBytes / 1_000_000_000.0:0.#} GB bộ nhớ, "
                    + $"{EngineUsers.AnalystMaxResultRows.ToString("N0", vi)} dòng mỗi truy vấn, {EngineUsers.AnalystQueriesPerMinute} truy vấn mỗi phút.");
                ConsoleUi.Info(
                    "Bộ máy nhúng chỉ nghe trên 127.0.0.1 và chỉ chạy khi có tiến trình reform dùng nó (ví dụ reform serve); "
                    + "đặt ClickHouse:EngineHttpPort để cổng không đổi giữa các lần chạy.");
                if (!engine.State.IsConfined)
                {
                    ConsoleUi.Info($"Cảnh báo: bộ máy nhúng không được cô lập ({engine.State.Confinement}); xem SECURITY.md.");
                }
            }

            return ReformCommand.Ok;
        });
        return command;
    }
}

using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using ReformMetrics.Store.Refresh;

namespace ReformMetrics.Cli.Verbs;

/// <summary>`reform refresh [--all]`: brings dossier_state and the aggregates up to date with the events.</summary>
internal static class RefreshVerb
{
    public static Command Create()
    {
        var all = new Option<bool>("--all") { Description = "Tính lại toàn bộ, không chỉ các tháng có sự kiện mới" };
        var command = new Command("refresh", "Cập nhật trạng thái hồ sơ và số liệu tổng hợp theo các sự kiện mới nạp.") { all };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var cli = await CliHost.StartAsync(parse, cancellationToken);
            var refresher = cli.Services.GetRequiredService<DossierRefresher>();
            RefreshResult result = null!;
            await ConsoleUi.WithStatusAsync("Đang tính lại trạng thái hồ sơ", async _ =>
                result = parse.GetValue(all)
                    ? await refresher.RebuildAllAsync(cancellationToken)
                    : await refresher.RefreshAsync(cancellationToken));
            ConsoleUi.Success(
                $"Đã cập nhật {result.Cohorts.Count} tháng tiếp nhận, {result.Dossiers:N0} hồ sơ trong {result.Elapsed.TotalSeconds:0.0} giây.");
            return ReformCommand.Ok;
        });
        return command;
    }
}

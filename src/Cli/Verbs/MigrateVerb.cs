using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using ReformMetrics.Store.Migrations;

namespace ReformMetrics.Cli.Verbs;

/// <summary>`reform migrate`: creates the database and applies the migrations this program carries.</summary>
internal static class MigrateVerb
{
    public static Command Create()
    {
        var command = new Command("migrate", "Tạo cơ sở dữ liệu và áp dụng các migration còn thiếu (chạy lại không làm gì thêm).");
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var cli = await CliHost.StartAsync(parse, cancellationToken);
            var result = await MigrateAsync(cli, cancellationToken);
            ConsoleUi.Success(result.Applied.Count == 0 && result.Repeated.Count == 0
                ? $"Cơ sở dữ liệu {cli.Store.Database} đã cập nhật ({result.AlreadyApplied} migration đã áp dụng trước đó)."
                : result.Applied.Count == 0
                ? $"Đã cập nhật định nghĩa trong {cli.Store.Database}: {string.Join(", ", result.Repeated)}."
                : $"Đã áp dụng {result.Applied.Count} migration vào {cli.Store.Database}: {string.Join(", ", result.Applied)}"
                  + (result.Repeated.Count > 0 ? $"; định nghĩa: {string.Join(", ", result.Repeated)}." : "."));
            return ReformCommand.Ok;
        });
        return command;
    }

    public static Task<MigrationResult> MigrateAsync(CliHost cli, CancellationToken cancellationToken) =>
        cli.Services.GetRequiredService<MigrationRunner>()
            .RunAsync(cli.Services.GetRequiredService<IReadOnlyList<Migration>>(), cancellationToken);
}

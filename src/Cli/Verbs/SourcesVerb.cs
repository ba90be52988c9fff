using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using ReformMetrics.Ingest.Intake;

namespace ReformMetrics.Cli.Verbs;

/// <summary>`reform sources add NAME`: allows a source system to POST /api/events and prints its API key, once.</summary>
internal static class SourcesVerb
{
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "Tên hệ thống nguồn, ví dụ motcua-tayninh" };
        var add = new Command("add", "Thêm (hoặc cấp lại khoá cho) một hệ thống nguồn và in khoá API của nó.") { name };
        add.SetAction(async (parse, cancellationToken) =>
        {
            var source = parse.GetRequiredValue(name).Trim();
            if (source.Length is 0 or > 64 || source.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
            {
                throw new UsageException("Tên hệ thống nguồn gồm 1–64 ký tự: chữ, số, '-', '_' hoặc '.'.");
            }

            await using var cli = await CliHost.StartAsync(parse, cancellationToken);
            var key = await cli.Services.GetRequiredService<ApiSources>().AddAsync(source, cancellationToken);
            ConsoleUi.Out.WriteLine(key);
            ConsoleUi.Info($"Khoá API của {source} (chỉ hiện một lần; khoá cũ, nếu có, hết hiệu lực). Gửi kèm tiêu đề Authorization: Bearer <khoá>.");
            return ReformCommand.Ok;
        });
        return new Command("sources", "Quản lý các hệ thống nguồn gửi sự kiện qua HTTP.") { add };
    }
}

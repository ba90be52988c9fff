using System.CommandLine;
using ReformMetrics.Metrics.Catalogue;

namespace ReformMetrics.Cli.Verbs;

/// <summary>`reform docs`: rewrites docs/metrics.md from the metric catalogue (for maintainers; hidden).</summary>
internal static class DocsVerb
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Tệp ghi ra", DefaultValueFactory = _ => Path.Combine("docs", "metrics.md") };
        var command = new Command("docs", "Ghi lại docs/metrics.md từ danh mục chỉ số.") { output };
        command.Hidden = true;
        command.SetAction(parse =>
        {
            var path = parse.GetValue(output)!;
            File.WriteAllText(path, MetricsDocument.Render());
            ConsoleUi.Success($"Đã ghi {path}.");
            return ReformCommand.Ok;
        });
        return command;
    }
}

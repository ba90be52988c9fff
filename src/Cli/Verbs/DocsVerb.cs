using System.CommandLine;
using ReformMetrics.Metrics.Catalogue;
using ReformMetrics.Metrics.Query;

namespace ReformMetrics.Cli.Verbs;

/// <summary>`reform docs`: rewrites what is generated from the metric catalogue (for maintainers; hidden): docs/metrics.md,
/// the analysts' KPI views (sql/repeatable/kpi_views.sql), their column tables in docs/sql-views.md and the indicators a
/// targets file may name (src/Ingest/Records/TargetIndicators.cs). Tests fail while a file differs from its rendering.</summary>
internal static class DocsVerb
{
    public static Command Create()
    {
        var root = new Option<string>("--root") { Description = "Thư mục gốc của mã nguồn", DefaultValueFactory = _ => "." };
        var command = new Command("docs", "Ghi lại docs/metrics.md, sql/repeatable/kpi_views.sql, bảng cột trong docs/sql-views.md và danh sách chỉ tiêu được giao từ danh mục chỉ số.") { root };
        command.Hidden = true;
        command.SetAction(parse =>
        {
            var directory = parse.GetValue(root)!;
            var metrics = Path.Combine(directory, "docs", "metrics.md");
            var views = Path.Combine(directory, KpiViews.RepeatablePath);
            var document = Path.Combine(directory, "docs", "sql-views.md");
            File.WriteAllText(metrics, MetricsDocument.Render());
            File.WriteAllText(views, KpiViews.Render());
            File.WriteAllText(document, KpiViews.UpdateDocument(File.ReadAllText(document)));
            var indicators = Path.Combine(directory, TargetIndicatorsFile.RepositoryPath);
            File.WriteAllText(indicators, TargetIndicatorsFile.Render());
            ConsoleUi.Success($"Đã ghi {metrics}, {views}, {document} và {indicators}.");
            return ReformCommand.Ok;
        });
        return command;
    }
}

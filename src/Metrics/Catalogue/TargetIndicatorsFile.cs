using System.Text;

namespace ReformMetrics.Metrics.Catalogue;

/// <summary>
/// Renders the list of indicators a targets file may name (the catalogue's rates, a target being a fraction) as a C#
/// file of the ingestion layer, which never references the metrics layer: `reform docs` writes it, and a test fails
/// while the file differs from this rendering, so a new rate reaches the targets' validation with the catalogue edit.
/// </summary>
public static class TargetIndicatorsFile
{
    public const string RepositoryPath = "src/Ingest/Records/TargetIndicators.cs";

    public static string Render()
    {
        var text = new StringBuilder()
            .Append("// Generated from src/Metrics/Catalogue/MetricCatalogue.cs by ./reform docs; do not edit by hand.\n")
            .Append("namespace ReformMetrics.Ingest.Records;\n\n")
            .Append("/// <summary>The indicators a target may name: the rates of the metric catalogue.</summary>\n")
            .Append("public static class TargetIndicators\n{\n")
            .Append("    public static readonly string[] All =\n    [\n");
        foreach (var metric in MetricCatalogue.All.Where(m => m.Unit == MetricUnit.Rate))
        {
            text.Append("        \"").Append(metric.Key).Append("\",\n");
        }

        return text.Append("    ];\n}\n").ToString();
    }
}

using System.Globalization;
using System.Text;
using ReformMetrics.Metrics.Index766;

namespace ReformMetrics.Metrics.Catalogue;

/// <summary>Renders docs/metrics.md from the catalogue and the 766 scoring file, so the document cannot drift from
/// what the code computes (a test compares the file with this rendering; `reform docs` rewrites it).</summary>
public static class MetricsDocument
{
    public static string Render()
    {
        var text = new StringBuilder()
            .AppendLine("# Metric catalogue")
            .AppendLine()
            .AppendLine("Generated from `src/Metrics/Catalogue/MetricCatalogue.cs` by `./reform docs`; do not edit by hand.")
            .AppendLine("Keys are the contract names of `reform kpi --json`, `/api/kpi`, the reports and the views. A rate whose")
            .AppendLine("denominator is 0 is `null` (\"—\" on screen). Counts are of distinct dossiers in the selection; a period is")
            .AppendLine("whole days in Vietnam time. Flows count what happened in the period; stocks (`carried_over`, `in_progress*`)")
            .AppendLine("what stood at its start or end. A dossier's status at a past date uses what is known now (a deadline")
            .AppendLine("extension recorded later counts), as the one-stop systems' own reports do.")
            .AppendLine();
        foreach (var family in Enum.GetValues<MetricFamily>())
        {
            text.AppendLine(family switch
            {
                MetricFamily.Dossiers => "## Dossiers",
                MetricFamily.Feedback => "## Feedback items (phản ánh, kiến nghị)\n\nOnly the province and sector filters and groupings apply; with any other the values are `null`.",
                _ => "## Administrative-reform tasks\n\nOnly the province filter and grouping apply; with any other the values are `null`. Status as it stood at the end of the period, for the tasks of the plan years the period touches.",
            }).AppendLine()
            .AppendLine("| key | label (vi) | unit | good | definition | denominator | source |")
            .AppendLine("|---|---|---|---|---|---|---|");
            foreach (var m in MetricCatalogue.All.Where(m => m.Family == family))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"| `{m.Key}` | {m.Label} | {Unit(m.Unit)} | {Good(m.Better)} | {m.Definition} | {m.Denominator ?? "—"} | {m.Source} |");
            }

            text.AppendLine();
        }

        text.AppendLine("## Differences between the on-time rates")
            .AppendLine()
            .AppendLine("- `on_time_rate` counts only dossiers resolved in the period; `on_time_rate_of_received` divides by every dossier handled.")
            .AppendLine("- `on_time_rate_766` follows the national portal (indicator 2.1): pending dossiers still within their deadline count as on time,")
            .AppendLine("  pending overdue ones as late, and a resolved dossier with more than one supplement request counts as late even when")
            .AppendLine("  it met its (extended) deadline. Waiting for the applicant extends the deadline in every variant.")
            .AppendLine()
            .AppendLine("## Decision 766 index")
            .AppendLine()
            .AppendLine("Scoring parameters: `src/Metrics/Index766/index766.json` (not confirmed against the Decision text). Points = maximum")
            .AppendLine("when the rate reaches the threshold, else rate × maximum / threshold; linear where no threshold is given. Indicators")
            .AppendLine("that need data the events do not carry are shown as not computed, and a unit's share is its points over the")
            .AppendLine("points that could be computed.")
            .AppendLine()
            .AppendLine("| id | indicator | max | threshold | measured by |")
            .AppendLine("|---|---|---|---|---|");
        foreach (var i in Index766Scoring.Load().Indicators)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {i.Id} | {i.Name} | {i.Max} | {(i.Threshold is { } t ? string.Create(CultureInfo.InvariantCulture, $"{t * 100:0}%") : "—")} | {(i.Metric is { } key ? $"`{key}`" : $"not computed: needs {i.Missing}")} |");
        }

        return text.ToString().Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    private static string Unit(MetricUnit unit) => unit switch { MetricUnit.Count => "count", MetricUnit.Rate => "rate", _ => "working days" };

    private static string Good(Better better) => better switch { Better.Higher => "higher", Better.Lower => "lower", _ => "—" };
}

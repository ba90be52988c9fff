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
            .AppendLine("| key | label (vi) | unit | good | definition | denominator | source | cited in reports |")
            .AppendLine("|---|---|---|---|---|---|---|---|");
            foreach (var m in MetricCatalogue.All.Where(m => m.Family == family))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"| `{m.Key}` | {m.Label} | {Unit(m.Unit)} | {Good(m.Better)} | {m.Definition} | {m.Denominator ?? "—"} | {m.Source} | {Cited(m)} |");
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
            .AppendLine("## Names users read")
            .AppendLine()
            .AppendLine("- `resolved_total` excludes withdrawals. Column (7) of Biểu số 06/VPCP/KSTT includes them (counted on time in column (9)),")
            .AppendLine("  as the one-stop systems print the form: the form keeps the form's label and a note under it reconciles the two figures.")
            .AppendLine("- `satisfaction_index` is labelled \"Tỷ lệ hài lòng\": the share of satisfied ratings. \"Chỉ số hài lòng\" names the survey")
            .AppendLine("  index of Bộ Nội vụ (SIPAS), which this project does not compute. No target is built in (see the source column).")
            .AppendLine("- A processing time under a tenth of a working day prints as \"trong ngày\", never as a bare 0.")
            .AppendLine()
            .AppendLine("## Reporting windows")
            .AppendLine()
            .AppendLine("Reports (the form, the bulletin, the all-provinces workbook, by hand or scheduled) cover by default the cut-off window of")
            .AppendLine("periodic reports: a month from the 15th of the month before to the 14th, a quarter from the 15th of the month before it to")
            .AppendLine("the 14th of its last month, a half-year, nine months or year from 15/12 of the year before to the 14th of its last month.")
            .AppendLine("`--calendar` (CLI), the \"Theo tháng, quý, năm dương lịch\" box (dashboard) or `Calendar: true` (schedules) give the calendar")
            .AppendLine("period instead; every report prints the days it covers. The dashboard and the API use calendar periods. Unverified: the")
            .AppendLine("rule is attributed to Nghị định 09/2019/NĐ-CP ngày 24/01/2019 (on the reporting regime of state administrative bodies),")
            .AppendLine("whose article text was not read here; the same windows appear in Thông tư 35/2020/TT-BGTVT and in provincial decisions")
            .AppendLine("(Khánh Hòa, Quyết định 01/2023/QĐ-UBND, Điều 4). Reports print the window, not a citation.")
            .AppendLine()
            .AppendLine("## Levels after 01/07/2025")
            .AppendLine()
            .AppendLine("The district level ended on 01/07/2025 (Luật Tổ chức chính quyền địa phương số 72/2025/QH15); the lower level is")
            .AppendLine("\"xã, phường, đặc khu\". A form whose period ends on or after 01/07/2025 has no district block: dossiers a district received")
            .AppendLine("(resolved in the period or still pending) are counted in the commune block, the level that took over the districts'")
            .AppendLine("one-stop work, with a note on the form. No national guidance on pending district dossiers was found; provinces handed")
            .AppendLine("them over to the new units without asking applicants to file again (Hà Nội, Công văn 3528/UBND-NC, as reported in the")
            .AppendLine("press). This rule is the project's reading of that practice, not a published rule. The agency layout keeps each")
            .AppendLine("agency's own rows, since the events do not say which commune took over which district.")
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

    // The citations a report prints, with the days each applies to; "—": the report cites nothing for the metric.
    private static string Cited(MetricDefinition metric) => metric.Bases.Count == 0 ? "—"
        : string.Join("; ", metric.Bases.Select(b => b.Citation + (b.From is null && b.Until is null ? string.Empty
            : string.Create(CultureInfo.InvariantCulture, $" (periods {(b.From is { } f ? $"from {f:dd/MM/yyyy}" : string.Empty)}{(b.From is not null && b.Until is not null ? " " : string.Empty)}{(b.Until is { } u ? $"to {u:dd/MM/yyyy}" : string.Empty)})"))));

    private static string Unit(MetricUnit unit) => unit switch { MetricUnit.Count => "count", MetricUnit.Rate => "rate", _ => "working days" };

    private static string Good(Better better) => better switch { Better.Higher => "higher", Better.Lower => "lower", _ => "—" };
}

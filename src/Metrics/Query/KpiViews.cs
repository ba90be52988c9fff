using System.Globalization;
using System.Text;
using ReformMetrics.Metrics.Catalogue;
using ReformMetrics.Store.Refresh;

namespace ReformMetrics.Metrics.Query;

/// <summary>
/// The analysts' KPI views, <c>v_kpi_day</c> and <c>v_kpi_month</c>, rendered from the catalogue: per day or month and
/// group, every dossier base measure (<see cref="BaseMeasures"/>) over the pre-aggregates, then every dossier metric with
/// its catalogue formula, so that an analyst's figure is the dashboard's. The rendering is the repeatable definition
/// sql/repeatable/kpi_views.sql, which `reform migrate` applies again whenever it changes; `./reform docs` writes it
/// and a test fails when the file is not the rendering of the catalogue.
/// </summary>
/// <remarks>
/// A view's row is a group (geography, province, level, [agency,] sector, submission channel) on a day or in a month in
/// which something happened to it. Flows count that day or month; stocks are running sums of the deltas over the group's
/// rows up to it, so the stock of a group carries on unchanged through days or months without a row.
/// </remarks>
public static class KpiViews
{
    /// <summary>The file the rendering is kept in, relative to the repository root.</summary>
    public static readonly string RepeatablePath = Path.Combine("sql", "repeatable", "kpi_views.sql");

    private sealed record View(string Name, string Time, string Source, bool Agency, string Comment);

    private static readonly View[] Views =
    [
        new("v_kpi_day", "day", "kpi_daily", Agency: true,
            "Per day, geography, province, level, agency, sector and submission channel: what happened that day and the stock at its end."),
        new("v_kpi_month", "month", "kpi_monthly", Agency: false,
            "The same per month, without agencies."),
    ];

    /// <summary>The metrics each view computes on its rows: every dossier metric of the catalogue.</summary>
    public static IReadOnlyList<MetricDefinition> Metrics { get; } = MetricCatalogue.All.Where(m => m.Family == MetricFamily.Dossiers).ToList();

    /// <summary>The base measures a view shows beside the metrics, under their name without <c>b_</c> (those that are not
    /// a metric already), so that analysts can add rows up and compute rates of their own.</summary>
    public static IReadOnlyList<DossierMeasure> MeasureColumns { get; } = BaseMeasures.All.OfType<DossierMeasure>()
        .Where(m => !MetricCatalogue.TryGet(ColumnName(m), out _)).ToList();

    /// <summary>The column a base measure is shown as.</summary>
    public static string ColumnName(DossierMeasure measure)
    {
        ArgumentNullException.ThrowIfNull(measure);
        return measure.Name["b_".Length..];
    }

    /// <summary>The names of the views.</summary>
    public static IReadOnlyList<string> Names { get; } = Views.Select(v => v.Name).ToList();

    /// <summary>The group columns of a view, in order.</summary>
    public static IReadOnlyList<string> GroupColumns(string view) => Group(Find(view), named: true);

    /// <summary>The content of sql/repeatable/kpi_views.sql.</summary>
    public static string Render()
    {
        var text = new StringBuilder()
            .AppendLine("-- Generated from the metric catalogue (src/Metrics/Catalogue) by `./reform docs`: do not edit by hand.")
            .AppendLine("-- A repeatable definition: `reform migrate` applies it again whenever this text changes (sql/README.md).")
            .AppendLine("-- The analysts' KPI views (docs/sql-views.md). Each row is a group on a day or in a month in which something")
            .AppendLine("-- happened to it: the base measures of the catalogue (flows of that day or month; stocks as running sums of the")
            .AppendLine("-- deltas over the group's rows, window w), then every dossier metric with the catalogue's formula. The views run")
            .AppendLine("-- with their definer's rights, so an analyst needs SELECT on the views only.");
        foreach (var view in Views)
        {
            text.AppendLine().Append(RenderView(view));
        }

        return text.ToString().Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    /// <summary>The Markdown table of a view's columns, for docs/sql-views.md.</summary>
    public static string ColumnTable(string view)
    {
        var v = Find(view);
        var grain = v.Time == "day" ? "day" : "month";
        var text = new StringBuilder()
            .AppendLine("| column | meaning |")
            .AppendLine("|---|---|")
            .AppendLine(CultureInfo.InvariantCulture, $"| {string.Join(", ", Group(v, named: true).Select(c => $"`{c}`"))} | the group |");
        foreach (var metric in Metrics)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| `{metric.Key}` | {Cell(metric.Label)}: {Cell(metric.Definition)} |");
        }

        foreach (var measure in MeasureColumns)
        {
            var when = measure.Timing == Timing.InPeriod ? $"that {grain}" : $"at the end of the {grain}";
            text.AppendLine(CultureInfo.InvariantCulture, $"| `{ColumnName(measure)}` | {Cell(measure.Meaning)} ({when}) |");
        }

        return text.ToString().Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    /// <summary>docs/sql-views.md with the column table of each view replaced by its rendering: the text between
    /// <c>&lt;!-- columns of v_...: generated ... --&gt;</c> and <c>&lt;!-- end of generated columns --&gt;</c>.</summary>
    public static string UpdateDocument(string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        var text = markdown.Replace("\r\n", "\n", StringComparison.Ordinal);
        foreach (var view in Views)
        {
            var start = $"<!-- columns of {view.Name}: generated from the metric catalogue by `./reform docs` -->\n";
            const string End = "<!-- end of generated columns -->";
            var from = text.IndexOf(start, StringComparison.Ordinal);
            var to = from < 0 ? -1 : text.IndexOf(End, from, StringComparison.Ordinal);
            if (to < 0)
            {
                throw new InvalidOperationException($"docs/sql-views.md has no generated column table for {view.Name}.");
            }

            text = string.Concat(text.AsSpan(0, from + start.Length), ColumnTable(view.Name), text.AsSpan(to));
        }

        return text;
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);

    private static View Find(string name) =>
        Views.FirstOrDefault(v => v.Name == name) ?? throw new ArgumentException($"No KPI view {name}.", nameof(name));

    private static List<string> Group(View view, bool named)
    {
        var columns = new List<string> { view.Time, "geo", "province_code" };
        if (named)
        {
            columns.Add("province_name");
        }

        columns.Add("level");
        if (view.Agency)
        {
            columns.Add("agency_code");
        }

        columns.Add("sector_code");
        if (named)
        {
            columns.Add("sector_name");
        }

        columns.Add("channel");
        return columns;
    }

    private static string RenderView(View view)
    {
        var group = string.Join(", ", Group(view, named: false));
        var partition = string.Join(", ", Group(view, named: false).Skip(1));
        var measures = BaseMeasures.All.OfType<DossierMeasure>().ToList();
        var derived = BaseMeasures.Needed(Metrics).OfType<DerivedMeasure>().ToList();
        var outer = Group(view, named: true).Select(c => c switch
            {
                "province_name" => "transform((geo, province_code), province_names.1, province_names.2, '') AS province_name",
                "sector_name" => "transform(sector_code, sector_names.1, sector_names.2, '') AS sector_name",
                _ => c,
            })
            .Concat(Metrics.Select(m => $"{m.Sql} AS {m.Key}"))
            .Concat(MeasureColumns.Select(m => $"{m.Name} AS {ColumnName(m)}"));
        var rows = Group(view, named: false)
            .Concat(measures.Select(m => $"{Measures.OverViewRow(m)} AS {m.Name}"))
            .Concat(derived.Select(m => $"{m.Sql} AS {m.Name}"));
        var inner = new[]
            {
                view.Time, "g.1 AS geo", "g.2 AS province_code", "level", view.Agency ? "toString(agency_code) AS agency_code" : null,
                "toString(sector_code) AS sector_code", "toString(channel) AS channel",
            }
            .OfType<string>()
            .Concat(PreAggregates.Measures.Select(c => $"{c.Rollup} AS {c.Name}"));
        return new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"-- {view.Comment}")
            .AppendLine(CultureInfo.InvariantCulture, $"CREATE OR REPLACE VIEW {view.Name} {{on_cluster}}")
            .AppendLine("DEFINER = CURRENT_USER SQL SECURITY DEFINER AS")
            .AppendLine("WITH")
            .AppendLine("    (SELECT (groupArray((geo, toString(code))), groupArray(name)) FROM provinces) AS province_names,")
            .AppendLine("    (SELECT (groupArray(toString(code)), groupArray(name_vi)) FROM sectors) AS sector_names")
            .AppendLine("SELECT")
            .AppendLine("    " + string.Join(",\n    ", outer))
            .AppendLine("FROM")
            .AppendLine("(")
            .AppendLine("    SELECT")
            .AppendLine("        " + string.Join(",\n        ", rows))
            .AppendLine("    FROM")
            .AppendLine("    (")
            .AppendLine("        SELECT")
            .AppendLine("            " + string.Join(",\n            ", inner))
            .AppendLine(CultureInfo.InvariantCulture, $"        FROM {view.Source}")
            .AppendLine("        ARRAY JOIN [(toUInt16(2025), toString(province_2025)), (toUInt16(2008), toString(province_2008))] AS g")
            .AppendLine(CultureInfo.InvariantCulture, $"        GROUP BY {group}")
            .AppendLine("    )")
            .AppendLine(CultureInfo.InvariantCulture, $"    WINDOW w AS (PARTITION BY {partition} ORDER BY {view.Time} ROWS UNBOUNDED PRECEDING)")
            .AppendLine(");")
            .AppendLine()
            .AppendLine("-- access-control")
            .AppendLine(CultureInfo.InvariantCulture, $"GRANT {{on_cluster}} SELECT ON {{database}}.{view.Name} TO reform_analyst;")
            .ToString();
    }
}

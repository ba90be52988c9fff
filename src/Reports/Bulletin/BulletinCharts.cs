using ReformMetrics.Metrics.Catalogue;
using ReformMetrics.Reports.Pdf;
using ScottPlot;

namespace ReformMetrics.Reports.Bulletin;

/// <summary>The bulletin's charts, drawn by ScottPlot into the PDF's canvas as vectors, in the report font.</summary>
public static class BulletinCharts
{
    private static readonly Color OnTime = Color.FromHex("#1F6FB2");
    private static readonly Color Online = Color.FromHex("#E07B24");
    private static readonly Color Neutral = Color.FromHex("#8FA6BC");
    private static readonly Color Highlight = Color.FromHex("#C0392B");

    /// <summary>The on-time rate and the online share by month, in percent, with the on-time target when there is one.</summary>
    public static Plot Trend(BulletinReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var plot = New("Tỷ lệ giải quyết đúng hạn và tỷ lệ hồ sơ trực tuyến theo tháng (%)");
        var months = report.Months;
        AddLine(plot, months.Select(m => m[MetricCatalogue.OnTimeRate]).ToList(), OnTime, "Tỷ lệ giải quyết đúng hạn");
        AddLine(plot, months.Select(m => m[MetricCatalogue.OnlineShare]).ToList(), Online, "Tỷ lệ hồ sơ trực tuyến");
        if (report.Targets.GetValueOrDefault(MetricCatalogue.OnTimeRate) is { } target)
        {
            var line = plot.Add.Scatter(new[] { -0.5, months.Count - 0.5 }, new[] { target.Target * 100, target.Target * 100 }, OnTime.WithAlpha(0.6));
            line.LinePattern = LinePattern.Dashed;
            line.MarkerSize = 0;
            line.LegendText = $"Chỉ tiêu đúng hạn {MetricFormat.Percent(target.Target)}";
        }

        plot.Axes.Bottom.SetTicks(
            Enumerable.Range(0, months.Count).Select(i => (double)i).ToArray(),
            months.Select(m => $"{m.Period.Start.Month}/{m.Period.Start.Year % 100:00}").ToArray());
        // From a round ten below the lowest value, so that a rate moving between 96% and 98% does not look flat.
        var shown = months.SelectMany(m => new[] { m[MetricCatalogue.OnTimeRate], m[MetricCatalogue.OnlineShare] }).Where(v => v is not null).Select(v => v!.Value * 100).ToList();
        var bottom = shown.Count == 0 ? 0 : Math.Max(0, Math.Floor((shown.Min() - 5) / 10) * 10);
        plot.Axes.SetLimitsY(bottom, 101);
        plot.Axes.SetLimitsX(-0.5, Math.Max(months.Count, 1) - 0.5);
        // Below the chart, where it hides no point whatever the values.
        plot.ShowLegend(Edge.Bottom);
        plot.Legend.FontName = ReportFonts.Family;
        plot.Legend.FontSize = 8;
        return plot;
    }

    /// <summary>New dossiers by channel, with counts and shares on the bars.</summary>
    public static Plot Channels(BulletinReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var plot = New("Hồ sơ mới tiếp nhận theo kênh");
        (string Label, MetricDefinition Key, Color Color)[] channels =
            [("Trực tuyến", MetricCatalogue.ReceivedOnline, Online), ("Trực tiếp", MetricCatalogue.ReceivedDirect, OnTime), ("Bưu chính", MetricCatalogue.ReceivedPostal, Neutral)];
        var total = report[MetricCatalogue.ReceivedNew] ?? 0;
        var bars = channels.Select((c, i) =>
        {
            var value = report[c.Key] ?? 0;
            return new Bar
            {
                Position = i,
                Value = value,
                FillColor = c.Color,
                LineWidth = 0,
                Label = total > 0 ? $"{MetricFormat.Count(value)} ({MetricFormat.Percent(value / total)})" : MetricFormat.Count(value),
            };
        }).ToList();
        var plottable = plot.Add.Bars(bars);
        Labels(plottable);
        plot.Axes.Bottom.SetTicks([0, 1, 2], channels.Select(c => c.Label).ToArray());
        plot.Axes.Margins(bottom: 0, top: 0.18);
        return plot;
    }

    /// <summary>Every province's on-time rate, best on top, with its value at the end of its bar; the bulletin's
    /// province in red. The value axis starts at <see cref="RankingAxisStart(BulletinReport)"/>.</summary>
    public static Plot Ranking(BulletinReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var ranked = report.Ranking.Units.Where(u => u.Value is not null).ToList();
        var plot = New("Tỷ lệ giải quyết đúng hạn của các tỉnh, thành phố (%)");
        var labelSize = ranked.Count > 40 ? 5 : 6.5f;
        var bars = ranked.Select((u, i) => new Bar
        {
            Position = ranked.Count - 1 - i,
            Value = u.Value!.Value * 100,
            FillColor = u.Code == report.Province ? Highlight : Neutral,
            LineWidth = 0,
            Size = 0.7,
            Label = MetricFormat.Percent(u.Value!.Value),
        }).ToList();
        var plottable = plot.Add.Bars(bars);
        plottable.Horizontal = true;
        Labels(plottable);
        plottable.ValueLabelStyle.FontSize = labelSize;
        plot.Axes.Left.SetTicks(
            Enumerable.Range(0, ranked.Count).Select(i => (double)(ranked.Count - 1 - i)).ToArray(),
            ranked.Select(u => $"{u.Rank}. {u.Name ?? u.Code}").ToArray());
        plot.Axes.Left.TickLabelStyle.FontSize = labelSize;
        plot.Axes.SetLimitsY(-0.7, ranked.Count - 0.3);
        var start = RankingAxisStart(report);
        // Room right of 100% for the longest value label ("100,00%"), about a ninth of the axis whatever it spans.
        plot.Axes.SetLimitsX(start, 100 + ((100 - start) * 0.12));
        var step = (100 - start) switch { <= 10 => 1, <= 20 => 2, <= 50 => 5, _ => 10 };
        var ticks = Enumerable.Range(0, (int)((100 - start) / step) + 1).Select(i => start + (i * step)).ToArray();
        plot.Axes.Bottom.SetTicks(ticks, ticks.Select(t => t.ToString("N0", MetricFormat.Vietnamese) + "%").ToArray());
        return plot;
    }

    /// <summary>Where the ranking's value axis starts: a round five below the lowest rate, so that rates between 96% and
    /// 99% do not look alike; 0 when a rate is under 5%.</summary>
    public static double RankingAxisStart(BulletinReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return RankingAxisStart(report.Ranking.Units.Where(u => u.Value is not null).Select(u => u.Value!.Value * 100));
    }

    /// <summary>The same from the rates in percent (none: 0).</summary>
    public static double RankingAxisStart(IEnumerable<double> percents)
    {
        ArgumentNullException.ThrowIfNull(percents);
        var values = percents.ToList();
        return values.Count == 0 ? 0 : Math.Max(0, Math.Floor((values.Min() - 5) / 5) * 5);
    }

    private static Plot New(string title)
    {
        ReportFonts.RegisterWithCharts();
        var plot = new Plot();
        plot.Font.Set(ReportFonts.Family);
        plot.Title(title, size: 10);
        plot.Axes.Title.Label.Bold = true;
        plot.Axes.Left.TickLabelStyle.FontSize = 7.5f;
        plot.Axes.Bottom.TickLabelStyle.FontSize = 7.5f;
        plot.Axes.Bottom.Label.FontSize = 8;
        plot.Grid.MajorLineColor = Colors.Black.WithAlpha(0.08);
        return plot;
    }

    // Months without a value (nothing resolved) are gaps, not zeros.
    private static void AddLine(Plot plot, IReadOnlyList<double?> values, Color color, string legend)
    {
        var xs = values.Select((v, i) => (v, i)).Where(p => p.v is not null).Select(p => (double)p.i).ToArray();
        var ys = values.Where(v => v is not null).Select(v => v!.Value * 100).ToArray();
        if (xs.Length == 0)
        {
            return;
        }

        var line = plot.Add.Scatter(xs, ys, color);
        line.LineWidth = 2;
        line.MarkerSize = 5;
        line.LegendText = legend;
    }

    private static void Labels(ScottPlot.Plottables.BarPlot plottable)
    {
        plottable.ValueLabelStyle.FontName = ReportFonts.Family;
        plottable.ValueLabelStyle.FontSize = 7.5f;
    }
}

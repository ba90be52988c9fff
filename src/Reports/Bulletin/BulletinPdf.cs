using ReformMetrics.Metrics.Catalogue;
using ReformMetrics.Reports.OfficialForm;
using ReformMetrics.Reports.Pdf;
using ScottPlot;
using Change = ReformMetrics.Metrics.Query.Change;
using SkiaSharp;

namespace ReformMetrics.Reports.Bulletin;

/// <summary>
/// The PDF bulletin: a cover with the key figures, the written summary, the headline table against the previous period,
/// the same period a year earlier and the targets, the charts, the sectors and agencies most often late (tables, so that
/// a long name wraps instead of being cut), the ranking, the official 13-column form and the definitions of the figures,
/// with page numbers and the generation date on every page.
/// </summary>
public static class BulletinPdf
{
    private static readonly SKColor Ink = new(0x1F, 0x29, 0x37);
    private static readonly SKColor Muted = new(0x5B, 0x67, 0x75);
    private static readonly SKColor Good = new(0x1E, 0x7B, 0x45);
    private static readonly SKColor Bad = new(0xB0, 0x2A, 0x1E);

    public static void Write(BulletinReport report, Stream output) => Render(report, output);

    /// <summary>Writes the bulletin and returns its layout, whose table cells the tests compare with the text read back.</summary>
    internal static PdfLayout Render(BulletinReport report, Stream output)
    {
        ArgumentNullException.ThrowIfNull(report);
        var layout = new PdfLayout();
        Cover(layout, report);

        layout.NewPage(landscape: false);
        layout.Heading("I. TÌNH HÌNH CHUNG");
        foreach (var paragraph in BulletinNarrative.Paragraphs(report))
        {
            layout.Text(paragraph, 10.5f);
            layout.Space(5);
        }

        layout.Heading("II. CÁC CHỈ TIÊU CHÍNH", keepWithNext: 200);
        HeadlineTable(layout, report);

        layout.NewPage(landscape: false);
        layout.Heading("III. DIỄN BIẾN THEO THÁNG VÀ KÊNH TIẾP NHẬN");
        Chart(layout, BulletinCharts.Trend(report), 270);
        layout.Space(8);
        Chart(layout, BulletinCharts.Channels(report), 210);
        layout.Heading("IV. LĨNH VỰC, CƠ QUAN CÓ TỶ LỆ GIẢI QUYẾT QUÁ HẠN CAO NHẤT", keepWithNext: 110);
        layout.Text($"Chỉ xét lĩnh vực, cơ quan có từ {BulletinBuilder.MinResolved} hồ sơ đã giải quyết trong kỳ.", 9, color: Muted, italic: true);
        layout.Space(4);
        Worst(layout, report.WorstSectors, "Lĩnh vực", "Không có lĩnh vực nào có hồ sơ giải quyết quá hạn trong kỳ.");
        layout.Space(10);
        Worst(layout, report.WorstAgencies, "Cơ quan, đơn vị", "Không có cơ quan, đơn vị nào có hồ sơ giải quyết quá hạn trong kỳ.");

        var ranked = report.Ranking.Units.Count(u => u.Value is not null);
        if (ranked > 0)
        {
            var height = Math.Clamp((ranked * 11) + 60, 160, 660);
            layout.Heading("V. XẾP HẠNG CÁC TỈNH, THÀNH PHỐ", keepWithNext: height + 20);
            // A value axis that does not start at 0 makes small differences look large: the caption says where it starts.
            var start = BulletinCharts.RankingAxisStart(report);
            layout.Text($"Xếp hạng theo tỷ lệ giải quyết đúng hạn, {report.Period.Label}; {ranked} tỉnh, thành phố có hồ sơ được giải quyết trong kỳ."
                + (start > 0 ? $" Trục giá trị bắt đầu từ {start.ToString("N0", MetricFormat.Vietnamese)}%, không phải từ 0%." : string.Empty), 9, color: Muted, italic: true);
            Chart(layout, BulletinCharts.Ranking(report), height);
        }

        layout.NewPage(landscape: true);
        layout.Heading("VI. BIỂU TỔNG HỢP TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT TTHC (" + FormText.FormCode.ToUpper(MetricFormat.Vietnamese) + ")");
        layout.Line(FormText.PeriodLine(report.Form), FormText.Unit, 9);
        TthcResultsPdf.AddTable(layout, report.Form);
        layout.Space(4);
        foreach (var note in FormText.Notes(report.Form))
        {
            layout.Text(note, 7.5f, color: Muted, italic: true);
        }

        layout.NewPage(landscape: false);
        layout.Heading("GHI CHÚ VỀ CÁCH TÍNH");
        foreach (var metric in MetricPresets.Bulletin.Metrics)
        {
            layout.Text(metric.Label, 9.5f, bold: true);
            var basis = metric.BasisFor(report.Period.Start, report.Period.End);
            layout.Text(basis is null ? metric.Explanation : $"{metric.Explanation} Căn cứ: {basis}.", 8.5f, color: Muted, indent: 10);
            layout.Space(3);
        }

        layout.Write(output, $"Bản tin kết quả giải quyết TTHC · {BulletinNarrative.UnitTitle(report)} · {report.Period.Label} · Lập ngày {Day(report)}", Metadata(report));
        return layout;
    }

    private static void Cover(PdfLayout layout, BulletinReport report)
    {
        layout.Space(90);
        layout.Text("BẢN TIN", 26, bold: true, align: CellAlign.Center, color: new SKColor(0x1F, 0x4E, 0x79));
        layout.Text("KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH", 16, bold: true, align: CellAlign.Center);
        layout.Space(14);
        layout.Text(BulletinNarrative.UnitTitle(report), 15, bold: true, align: CellAlign.Center);
        layout.Text(report.Period.Label, 13, align: CellAlign.Center);
        layout.Text($"(Từ ngày {report.Period.Start:dd/MM/yyyy} đến ngày {report.Period.End:dd/MM/yyyy})", 10, align: CellAlign.Center, color: Muted);
        layout.Space(40);
        // The cover's tiles, with labels short enough for a quarter of the page.
        (MetricDefinition Metric, string Label)[] tiles =
        [
            (MetricCatalogue.ReceivedTotal, "Hồ sơ nhận giải quyết"), (MetricCatalogue.ResolvedTotal, "Đã giải quyết (không kể rút)"),
            (MetricCatalogue.OnTimeRate, "Đúng hạn / đã giải quyết"), (MetricCatalogue.OnTimeRateOfReceived, "Đúng hạn / nhận giải quyết"),
        ];
        layout.Box(86, (canvas, width, height) =>
        {
            var tileWidth = (width - 30) / tiles.Length;
            for (var i = 0; i < tiles.Length; i++)
            {
                var metric = tiles[i].Metric;
                var rect = SKRect.Create(i * (tileWidth + 10), 0, tileWidth, height);
                using var fill = new SKPaint { Color = new SKColor(0xEE, 0xF3, 0xF8), IsAntialias = true };
                canvas.DrawRoundRect(rect, 6, 6, fill);
                Draw(canvas, tiles[i].Label, rect.MidX, rect.Top + 20, 9, false, Muted);
                Draw(canvas, MetricFormat.Value(metric, report[metric]), rect.MidX, rect.Top + 48, 17, true, Ink);
                var change = Change.Between(report[metric], report.Previous(metric));
                var better = change.Difference is { } d && d != 0 ? (d > 0) == (metric.Better != Better.Lower) : (bool?)null;
                Draw(canvas, $"{MetricFormat.Change(metric, change)} so với kỳ trước", rect.MidX, rect.Top + 70, 7.5f, false,
                    better switch { true => Good, false => Bad, null => Muted });
            }
        });
        layout.Space(50);
        layout.Text("NỘI DUNG", 10, bold: true);
        foreach (var line in new[]
        {
            "I. Tình hình chung", "II. Các chỉ tiêu chính", "III. Diễn biến theo tháng và kênh tiếp nhận",
            "IV. Lĩnh vực, cơ quan có tỷ lệ giải quyết quá hạn cao nhất", "V. Xếp hạng các tỉnh, thành phố",
            "VI. Biểu tổng hợp tình hình, kết quả giải quyết TTHC", "Ghi chú về cách tính",
        })
        {
            layout.Text(line, 9.5f, indent: 12);
        }

        layout.Space(30);
        layout.Text($"Số liệu từ hệ thống thông tin giải quyết thủ tục hành chính. Lập ngày {Day(report)}.", 8.5f, color: Muted);
        layout.Text(report.Geo == 2025
            ? "Địa giới: 34 tỉnh, thành phố từ 01/07/2025; hồ sơ của các tỉnh cũ được tính vào tỉnh mới tương ứng."
            : "Địa giới: 63 tỉnh, thành phố như khi tiếp nhận hồ sơ.", 8.5f, color: Muted);
    }

    private static void HeadlineTable(PdfLayout layout, BulletinReport report)
    {
        var period = report.Period;
        TableColumn[] columns = [new(170, CellAlign.Left), new(62), new(62), new(66), new(62), new(52), new(52, CellAlign.Center)];
        string[] headers = ["Chỉ tiêu", period.Label, period.Previous().Label, "Thay đổi so với kỳ trước", period.YearEarlier().Label, "Chỉ tiêu giao", "Đánh giá"];
        var rows = MetricPresets.Bulletin.Metrics.Select(metric =>
        {
            var target = report.Targets.GetValueOrDefault(metric);
            return new TableRow(
            [
                metric.Label, MetricFormat.Value(metric, report[metric]), MetricFormat.Value(metric, report.Previous(metric)),
                MetricFormat.Change(metric, Change.Between(report[metric], report.Previous(metric))), MetricFormat.Value(metric, report.Totals.YearAgo?[metric]),
                target is null ? "—" : MetricFormat.Value(metric, target.Target),
                target?.Met switch { true => "Đạt", false => "Chưa đạt", null => "—" },
            ]);
        });
        layout.Table(new TableSpec(columns, 1, headers.Select((h, i) => new HeaderCell(0, i, h)).ToList(), FontSize: 8.5f), rows);
        layout.Space(4);
        layout.Text("Thay đổi của một tỷ lệ tính bằng điểm phần trăm; của một số lượng, bằng phần trăm. \"—\": không có số liệu để tính (mẫu số bằng 0).", 8, color: Muted, italic: true);
    }

    // A table rather than a bar chart: an agency's name ("Bộ phận tiếp nhận và trả kết quả ... xã ...") is longer than
    // a chart's label can hold, and it is the end of the name that tells agencies apart.
    private static void Worst(PdfLayout layout, IReadOnlyList<WeakUnit> units, string what, string none)
    {
        if (units.Count == 0)
        {
            layout.Text(none, 10);
            return;
        }

        TableColumn[] columns = [new(26, CellAlign.Center), new(275, CellAlign.Left), new(70), new(70), new(70)];
        string[] headers = ["STT", what, "Tỷ lệ giải quyết quá hạn", "Số hồ sơ quá hạn", "Số hồ sơ đã giải quyết"];
        layout.Table(
            new TableSpec(columns, 1, headers.Select((h, i) => new HeaderCell(0, i, h)).ToList(), FontSize: 9),
            units.Select((u, i) => new TableRow(
                [(i + 1).ToString(MetricFormat.Vietnamese), u.Name, MetricFormat.Percent(u.OverdueRate), MetricFormat.Count(u.Overdue), MetricFormat.Count(u.Resolved)])));
    }

    // ScottPlot draws a plot twice on its first render (the second pass with the measured tick labels); a first render
    // into a canvas that draws nothing keeps the PDF from holding every chart twice.
    private static void Chart(PdfLayout layout, Plot plot, float height) =>
        layout.Box(height, (canvas, width, h) =>
        {
            using (var rehearsal = new SKNoDrawCanvas((int)width, (int)h))
            {
                plot.Render(rehearsal, (int)width, (int)h);
            }

            plot.Render(canvas, (int)width, (int)h);
        });

    private static void Draw(SKCanvas canvas, string text, float x, float y, float size, bool bold, SKColor color)
    {
        using var font = PdfLayout.Font(size, bold);
        using var paint = new SKPaint { Color = color, IsAntialias = true };
        canvas.DrawText(text, x, y, SKTextAlign.Center, font, paint);
    }

    private static string Day(BulletinReport report) => $"{report.GeneratedAt.ToOffset(TimeSpan.FromHours(7)):dd/MM/yyyy}";

    private static SKDocumentPdfMetadata Metadata(BulletinReport report) =>
        PdfLayout.Metadata($"Bản tin kết quả giải quyết TTHC – {report.UnitName} – {report.Period.Label}", report.GeneratedAt);
}

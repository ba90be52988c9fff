using System.Globalization;
using ReformMetrics.Reports.OfficialForm;
using SkiaSharp;

namespace ReformMetrics.Reports.Pdf;

/// <summary>The official form (Biểu số 06/VPCP/KSTT) as a PDF: A4 landscape, the same title block, header, rows and
/// notes as the Excel sheet, the header repeated on every page.</summary>
public static class TthcResultsPdf
{
    private static readonly CultureInfo Vietnamese = CultureInfo.GetCultureInfo("vi-VN");

    public static void Write(TthcResultsReport report, Stream output) => Render(report, output);

    /// <summary>Writes the form and returns its layout, whose table cells the tests compare with the text read back.</summary>
    internal static PdfLayout Render(TthcResultsReport report, Stream output)
    {
        ArgumentNullException.ThrowIfNull(report);
        var layout = new PdfLayout(landscape: true);
        layout.Columns([FormText.FormCode, FormText.Reporter(report)], 10, bold: true);
        layout.Columns([FormText.Circular, FormText.RecipientLine], 9.5f);
        layout.Space(10);
        layout.Text(FormText.Title(report.Layout), 12, bold: true, align: CellAlign.Center);
        layout.Text(FormText.PeriodName(report), 10.5f, bold: true, align: CellAlign.Center);
        layout.Text(FormText.Window(report), 10, align: CellAlign.Center);
        layout.Text(FormText.Unit, 8.5f, align: CellAlign.Right);
        layout.Space(2);
        AddTable(layout, report);
        layout.Space(6);
        foreach (var note in FormText.Notes(report))
        {
            layout.Text(note, 8, color: new SKColor(0x37, 0x41, 0x51));
        }

        layout.Space(10);
        layout.KeepTogether(90);
        foreach (var (left, right) in FormText.Signatures(report))
        {
            layout.Columns([left, right], 10, bold: left == FormText.Preparer);
        }

        layout.Write(output, $"{FormText.FormCode} · {report.UnitName} · {report.Period.Label}", Metadata(report));
        return layout;
    }

    /// <summary>The 13-column table of the form at the cursor (used by the form and by the bulletin).</summary>
    public static void AddTable(PdfLayout layout, TthcResultsReport report)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(report);
        var columns = new List<TableColumn> { new(26, CellAlign.Center), new(210, CellAlign.Left) };
        columns.AddRange(Enumerable.Repeat(new TableColumn(50), 11));
        var header = new List<HeaderCell>
        {
            new(0, 0, "STT", RowSpan: 3), new(0, 1, FormText.RowsHeader(report.Layout), RowSpan: 3),
            new(0, 2, FormText.Received, ColumnSpan: 4), new(0, 6, FormText.Resolved, ColumnSpan: 4), new(0, 10, FormText.InProgress, ColumnSpan: 3),
            new(1, 2, FormText.Leaves[0], RowSpan: 2), new(1, 3, FormText.InPeriod, ColumnSpan: 2),
            new(2, 3, FormText.Leaves[1]), new(2, 4, FormText.Leaves[2]),
        };
        for (var c = 5; c < 13; c++)
        {
            header.Add(new HeaderCell(1, c, FormText.Leaves[c - 2], RowSpan: 2));
        }

        header.AddRange(Enumerable.Range(0, 13).Select(c => new HeaderCell(3, c, $"({c + 1})")));
        var rows = report.Rows.Select(r => new TableRow(
            [r.Number, r.Depth == 2 ? "   " + r.Label : r.Label, .. r.Figures.Columns.Select(v => v.ToString("N0", Vietnamese))], Bold: r.Depth < 2));
        layout.Table(new TableSpec(columns, 4, header, FontSize: 7.5f), rows);
    }

    internal static SKDocumentPdfMetadata Metadata(TthcResultsReport report) =>
        PdfLayout.Metadata($"{FormText.FormCode} – {report.UnitName} – {report.Period.Label}", report.GeneratedAt, author: FormText.Issuer(report));
}

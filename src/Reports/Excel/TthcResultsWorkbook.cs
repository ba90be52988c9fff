using System.Globalization;
using ClosedXML.Excel;
using ReformMetrics.Reports.OfficialForm;

namespace ReformMetrics.Reports.Excel;

/// <summary>
/// Writes the official form "Tình hình, kết quả giải quyết TTHC" (Biểu số 06/VPCP/KSTT) as an Excel sheet: the title
/// block, the three-row header with its merged groups and the column numbers (1)–(13), one row per level and sector (or
/// agency) with subtotals and the total, thousands separators, frozen header, A4 landscape fitted to the page width.
/// Values are written, not formulas: readers other than Excel show formula cells empty.
/// </summary>
public static class TthcResultsWorkbook
{
    public const int HeaderTop = 8;
    public const int FirstDataRow = 12;
    public const string NumberFormat = "#,##0";

    public static void Write(TthcResultsReport report, Stream output)
    {
        ArgumentNullException.ThrowIfNull(report);
        // 11 points rather than the customary 12: thirteen columns of figures stay readable on one landscape page.
        using var workbook = ReportWorkbook.Create(fontSize: 11);
        var sheet = workbook.Worksheets.Add("Biểu 06");
        TitleBlock(sheet, report);
        Header(sheet, report.Layout);
        var row = FirstDataRow;
        foreach (var formRow in report.Rows)
        {
            CellText.Set(sheet.Cell(row, 1), formRow.Number);
            CellText.Set(sheet.Cell(row, 2), formRow.Label);
            var columns = formRow.Figures.Columns;
            for (var c = 0; c < columns.Length; c++)
            {
                sheet.Cell(row, 3 + c).Value = columns[c];
            }

            var line = sheet.Range(row, 1, row, 13);
            line.Style.Font.Bold = formRow.Depth < 2;
            if (formRow.Depth == 0)
            {
                line.Style.Fill.BackgroundColor = XLColor.FromHtml("#F2F2F2");
            }

            sheet.Cell(row, 2).Style.Alignment.Indent = formRow.Depth == 2 ? 1 : 0;
            row++;
        }

        var data = sheet.Range(FirstDataRow, 3, row - 1, 13);
        data.Style.NumberFormat.Format = NumberFormat;
        sheet.Range(FirstDataRow, 1, row - 1, 1).Style.Alignment.Horizontal = XLAlignmentHorizontalValues.Center;
        var table = sheet.Range(HeaderTop, 1, row - 1, 13);
        table.Style.Border.OutsideBorder = XLBorderStyleValues.Thin;
        table.Style.Border.InsideBorder = XLBorderStyleValues.Thin;
        Signatures(sheet, Notes(sheet, row + 1, report) + 1, report);
        Layout(sheet);
        ReportWorkbook.Save(workbook, output);
    }

    private static void TitleBlock(IXLWorksheet sheet, TthcResultsReport report)
    {
        Half(sheet, 1, left: true, FormText.FormCode).Style.Font.Bold = true;
        Half(sheet, 1, left: false, FormText.Reporter(report)).Style.Font.Bold = true;
        Half(sheet, 2, left: true, FormText.Circular);
        Half(sheet, 2, left: false, FormText.RecipientLine);
        sheet.Cell(3, 1).Value = FormText.Title(report.Layout);
        var title = sheet.Range(3, 1, 3, 13).Merge();
        title.Style.Font.Bold = true;
        title.Style.Font.FontSize = 13;
        title.Style.Alignment.Horizontal = XLAlignmentHorizontalValues.Center;
        title.Style.Alignment.WrapText = true;
        sheet.Row(3).Height = 33;
        sheet.Cell(4, 1).Value = FormText.PeriodName(report);
        var period = sheet.Range(4, 1, 4, 13).Merge();
        period.Style.Alignment.Horizontal = XLAlignmentHorizontalValues.Center;
        period.Style.Font.Bold = true;
        sheet.Cell(5, 1).Value = FormText.Window(report);
        sheet.Range(5, 1, 5, 13).Merge().Style.Alignment.Horizontal = XLAlignmentHorizontalValues.Center;
        sheet.Cell(6, 1).Value = FormText.Unit;
        sheet.Range(6, 1, 6, 13).Merge().Style.Alignment.Horizontal = XLAlignmentHorizontalValues.Right;
    }

    /// <summary>The left (columns 1–5) or right (9–13) part of a title or signature line, merged and centred.</summary>
    private static IXLRange Half(IXLWorksheet sheet, int row, bool left, string text)
    {
        var first = left ? 1 : 9;
        sheet.Cell(row, first).Value = text;
        var range = sheet.Range(row, first, row, first + 4).Merge();
        range.Style.Alignment.Horizontal = XLAlignmentHorizontalValues.Center;
        range.Style.Alignment.WrapText = true;
        return range;
    }

    private static void Signatures(IXLWorksheet sheet, int row, TthcResultsReport report)
    {
        foreach (var (left, right) in FormText.Signatures(report))
        {
            if (left.Length > 0)
            {
                Half(sheet, row, left: true, left).Style.Font.Bold = left == FormText.Preparer;
            }

            var signer = Half(sheet, row, left: false, right);
            signer.Style.Font.Bold = right == FormText.Head;
            signer.Style.Font.Italic = right != FormText.Head;
            row++;
        }
    }

    private static void Header(IXLWorksheet sheet, FormLayout layout)
    {
        var top = HeaderTop;
        Merge(sheet, top, 1, top + 2, 1, "STT");
        Merge(sheet, top, 2, top + 2, 2, FormText.RowsHeader(layout));
        Merge(sheet, top, 3, top, 6, FormText.Received);
        Merge(sheet, top, 7, top, 10, FormText.Resolved);
        Merge(sheet, top, 11, top, 13, FormText.InProgress);
        Merge(sheet, top + 1, 3, top + 2, 3, FormText.Leaves[0]);
        Merge(sheet, top + 1, 4, top + 1, 5, FormText.InPeriod);
        sheet.Cell(top + 2, 4).Value = FormText.Leaves[1];
        sheet.Cell(top + 2, 5).Value = FormText.Leaves[2];
        for (var c = 6; c <= 13; c++)
        {
            Merge(sheet, top + 1, c, top + 2, c, FormText.Leaves[c - 3]);
        }

        for (var c = 1; c <= 13; c++)
        {
            sheet.Cell(top + 3, c).Value = $"({c})";
        }

        var header = sheet.Range(top, 1, top + 3, 13);
        header.Style.Font.Bold = true;
        header.Style.Alignment.Horizontal = XLAlignmentHorizontalValues.Center;
        header.Style.Alignment.Vertical = XLAlignmentVerticalValues.Center;
        header.Style.Alignment.WrapText = true;
        header.Style.Fill.BackgroundColor = XLColor.FromHtml("#DDEBF7");
        sheet.Range(top + 3, 1, top + 3, 13).Style.Font.Italic = true;
        sheet.Range(top + 3, 1, top + 3, 13).Style.Font.Bold = false;
    }

    /// <summary>The notes from <paramref name="row"/>; returns the row after them.</summary>
    private static int Notes(IXLWorksheet sheet, int row, TthcResultsReport report)
    {
        foreach (var note in FormText.Notes(report))
        {
            sheet.Cell(row, 1).Value = note;
            var range = sheet.Range(row, 1, row, 13).Merge();
            range.Style.Font.Italic = true;
            range.Style.Alignment.WrapText = true;
            sheet.Row(row).Height = note.Length > 160 ? 30 : 15;
            row++;
        }

        return row;
    }

    private static void Layout(IXLWorksheet sheet)
    {
        sheet.Column(1).Width = 6;
        sheet.Column(2).Width = 46;
        for (var c = 3; c <= 13; c++)
        {
            sheet.Column(c).Width = 12;
        }

        sheet.Row(HeaderTop + 2).Height = 45;
        sheet.SheetView.Freeze(HeaderTop + 3, 2);
        ReportWorkbook.PrintOnA4(sheet, XLPageOrientation.Landscape);
        sheet.PageSetup.FitToPages(1, 0);
        sheet.PageSetup.SetRowsToRepeatAtTop(HeaderTop, HeaderTop + 3);
        sheet.PageSetup.Margins.Left = 0.4;
        sheet.PageSetup.Margins.Right = 0.4;
    }

    private static void Merge(IXLWorksheet sheet, int top, int left, int bottom, int right, string text)
    {
        sheet.Cell(top, left).Value = text;
        if (bottom > top || right > left)
        {
            sheet.Range(top, left, bottom, right).Merge();
        }
    }
}

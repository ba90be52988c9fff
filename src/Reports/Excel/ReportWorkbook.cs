using ClosedXML.Excel;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace ReformMetrics.Reports.Excel;

/// <summary>What every workbook the reports write shares: Times New Roman, the face of administrative documents (Excel
/// cannot embed a font, so the name is what officials' machines look for), and A4 paper on every sheet.</summary>
internal static class ReportWorkbook
{
    public const string FontName = "Times New Roman";

    /// <summary>An empty workbook whose cells default to Times New Roman at <paramref name="fontSize"/> points; styles
    /// set later on a cell change only what they name.</summary>
    public static XLWorkbook Create(double fontSize)
    {
        var workbook = new XLWorkbook();
        workbook.Style.Font.FontName = FontName;
        workbook.Style.Font.FontSize = fontSize;
        // Excel does not refit rows without a height of their own when it opens a file: the default must fit the font.
        workbook.RowHeight = fontSize >= 12 ? 15.75 : 15;
        return workbook;
    }

    /// <summary>
    /// Saves the workbook with its "Normal" style in the workbook's font too: ClosedXML 0.95 always writes Calibri 11
    /// there, which Excel gives every cell typed later and measures column widths by.
    /// </summary>
    public static void Save(XLWorkbook workbook, Stream output)
    {
        ArgumentNullException.ThrowIfNull(workbook);
        ArgumentNullException.ThrowIfNull(output);
        using var buffer = new MemoryStream();
        workbook.SaveAs(buffer);
        using (var document = SpreadsheetDocument.Open(buffer, isEditable: true))
        {
            var stylesheet = document.WorkbookPart?.WorkbookStylesPart?.Stylesheet
                ?? throw new InvalidOperationException("ClosedXML wrote a workbook without styles.");
            var style = stylesheet.CellStyles?.Elements<CellStyle>().FirstOrDefault(c => c.BuiltinId?.Value == 0); // Normal
            var format = stylesheet.CellStyleFormats?.Elements<CellFormat>().ElementAtOrDefault((int)(style?.FormatId?.Value ?? 0));
            var normal = stylesheet.Fonts?.Elements<Font>().ElementAtOrDefault((int)(format?.FontId?.Value ?? 0))
                ?? throw new InvalidOperationException("ClosedXML wrote a workbook without the Normal style's font.");
            normal.FontName = new FontName { Val = workbook.Style.Font.FontName };
            normal.FontSize = new FontSize { Val = workbook.Style.Font.FontSize };
            normal.FontFamilyNumbering = new FontFamilyNumbering { Val = 1 }; // roman, as Times New Roman is
            stylesheet.Save();
        }

        buffer.Position = 0;
        buffer.CopyTo(output);
    }

    public static void PrintOnA4(IXLWorksheet sheet, XLPageOrientation orientation)
    {
        ArgumentNullException.ThrowIfNull(sheet);
        sheet.PageSetup.PaperSize = XLPaperSize.A4Paper;
        sheet.PageSetup.PageOrientation = orientation;
    }
}

using ClosedXML.Excel;

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

    public static void PrintOnA4(IXLWorksheet sheet, XLPageOrientation orientation)
    {
        ArgumentNullException.ThrowIfNull(sheet);
        sheet.PageSetup.PaperSize = XLPaperSize.A4Paper;
        sheet.PageSetup.PageOrientation = orientation;
    }
}

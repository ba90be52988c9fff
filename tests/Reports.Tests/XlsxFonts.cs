using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace ReformMetrics.Reports.Tests;

/// <summary>The fonts a workbook's file declares, read with the Open XML SDK rather than ClosedXML, and the font of its
/// "Normal" style (the one Excel gives a cell typed later).</summary>
internal sealed record XlsxFonts(IReadOnlyList<string> Names, string NormalName, double NormalSize)
{
    public static XlsxFonts Read(byte[] xlsx)
    {
        using var stream = new MemoryStream(xlsx);
        using var document = SpreadsheetDocument.Open(stream, isEditable: false);
        var stylesheet = document.WorkbookPart!.WorkbookStylesPart!.Stylesheet;
        var fonts = stylesheet.Fonts!.Elements<Font>().ToList();
        var normal = stylesheet.CellStyles!.Elements<CellStyle>().Single(c => c.BuiltinId?.Value == 0);
        var format = stylesheet.CellStyleFormats!.Elements<CellFormat>().ElementAt((int)normal.FormatId!.Value);
        var font = fonts[(int)format.FontId!.Value];
        return new XlsxFonts(fonts.Select(f => f.FontName!.Val!.Value!).ToList(), font.FontName!.Val!.Value!, font.FontSize!.Val!.Value);
    }
}

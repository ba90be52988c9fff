using ClosedXML.Excel;

namespace ReformMetrics.Reports.Excel;

internal static class CellText
{
    /// <summary>A code or label kept as text: ClosedXML would otherwise turn "01" into 1 and "2025-04" into a date.</summary>
    public static void Set(IXLCell cell, string text)
    {
        cell.Style.NumberFormat.Format = "@";
        cell.Value = text;
        cell.DataType = XLDataType.Text;
    }
}

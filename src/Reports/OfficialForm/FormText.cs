using System.Globalization;

namespace ReformMetrics.Reports.OfficialForm;

/// <summary>The words of the official form, shared by its Excel and PDF renderings so that both print the same form.</summary>
public static class FormText
{
    public const string FormCode = "Biểu số 06/VPCP/KSTT";
    public const string Unit = "Đơn vị tính: Số hồ sơ TTHC";
    public const string Received = "Số hồ sơ nhận giải quyết";
    public const string Resolved = "Số hồ sơ đã giải quyết";
    public const string InProgress = "Số lượng hồ sơ đang giải quyết";
    public const string InPeriod = "Trong đó (trong kỳ)";
    public const string Total = "TỔNG CỘNG";

    /// <summary>The leaf headers of columns 3 to 13.</summary>
    public static readonly IReadOnlyList<string> Leaves =
        ["Tổng số", "Trực tuyến", "Trực tiếp, dịch vụ bưu chính", "Từ kỳ trước", "Tổng số", "Trước hạn", "Đúng hạn", "Quá hạn", "Tổng số", "Trong hạn", "Quá hạn"];

    private static readonly CultureInfo Vietnamese = CultureInfo.GetCultureInfo("vi-VN");

    public static string Title(FormLayout layout) => layout == FormLayout.Agency
        ? "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH THEO CƠ QUAN, ĐƠN VỊ"
        : "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH";

    public static string RowsHeader(FormLayout layout) => layout == FormLayout.Agency ? "Cơ quan, đơn vị" : "Lĩnh vực, công việc giải quyết theo cấp";

    public static string Issuer(TthcResultsReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return report.UnitName == "Toàn quốc" ? "TOÀN QUỐC" : $"UBND {report.UnitName.ToUpper(Vietnamese)}";
    }

    public static string PeriodLine(TthcResultsReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return $"{report.Period.Label} (Từ ngày {report.Period.Start:dd/MM/yyyy} đến ngày {report.Period.End:dd/MM/yyyy})";
    }

    public static IReadOnlyList<string> Notes(TthcResultsReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return
        [
            "Ghi chú: (3) = (4) + (5) + (6); (7) = (8) + (9) + (10); (11) = (12) + (13); (3) = (7) + (11).",
            "Cột (9) gồm cả hồ sơ công dân xin rút, như các hệ thống một cửa điện tử in biểu này; thời gian chờ bổ sung hồ sơ không tính vào thời hạn giải quyết.",
            report.Geo == 2025
                ? "Địa giới: 34 tỉnh, thành phố từ 01/07/2025; hồ sơ của các tỉnh cũ được tính vào tỉnh mới tương ứng."
                : "Địa giới: 63 tỉnh, thành phố như khi tiếp nhận hồ sơ.",
            $"Lập ngày {report.GeneratedAt.ToOffset(TimeSpan.FromHours(7)):dd/MM/yyyy} bởi ReformMetrics.",
        ];
    }
}

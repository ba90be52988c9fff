using System.Globalization;
using ReformMetrics.Metrics.Catalogue;

namespace ReformMetrics.Reports.OfficialForm;

/// <summary>The words of the official form, shared by its Excel and PDF renderings so that both print the same form.</summary>
public static class FormText
{
    public const string FormCode = "Biểu số 06/VPCP/KSTT";

    /// <summary>The circular the one-stop systems print under the form code (report-form.md §1).</summary>
    public const string Circular = "Ban hành theo Thông tư số 01/2020/TT-VPCP ngày 21/10/2020";

    public const string Unit = "Đơn vị tính: Số hồ sơ TTHC";
    public const string Received = "Số hồ sơ nhận giải quyết";
    public const string Resolved = "Số hồ sơ đã giải quyết";
    public const string InProgress = "Số lượng hồ sơ đang giải quyết";
    public const string InPeriod = "Trong đó (trong kỳ)";
    public const string Total = "TỔNG CỘNG";

    /// <summary>Who receives the provinces' form; the national summary is the Office's own.</summary>
    public const string Recipient = "Văn phòng Chính phủ";

    public const string Preparer = "NGƯỜI LẬP BIỂU";
    public const string PreparerSigns = "(Ký, ghi rõ họ tên)";
    public const string Head = "THỦ TRƯỞNG ĐƠN VỊ";
    public const string HeadSigns = "(Ký tên, đóng dấu)";

    /// <summary>The leaf headers of columns 3 to 13.</summary>
    public static readonly IReadOnlyList<string> Leaves =
        ["Tổng số", "Trực tuyến", "Trực tiếp, dịch vụ bưu chính", "Từ kỳ trước", "Tổng số", "Trước hạn", "Đúng hạn", "Quá hạn", "Tổng số", "Trong hạn", "Quá hạn"];

    private static readonly CultureInfo Vietnamese = CultureInfo.GetCultureInfo("vi-VN");

    public static string Title(FormLayout layout) => layout == FormLayout.Agency
        ? "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH THEO CƠ QUAN, ĐƠN VỊ"
        : "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH";

    public static string RowsHeader(FormLayout layout) => layout == FormLayout.Agency ? "Cơ quan, đơn vị" : "Lĩnh vực, công việc giải quyết theo cấp";

    /// <summary>The reporting body as a title block names it: "UBND THÀNH PHỐ HÀ NỘI", "UBND TỈNH TÂY NINH"; the national
    /// summary has no issuing province.</summary>
    public static string Issuer(TthcResultsReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return report.Province is null ? "TỔNG HỢP TOÀN QUỐC" : $"UBND {ProvinceKinds.Kind(report.Province, report.Geo, report.Period.End).ToUpper(Vietnamese)} {report.UnitName.ToUpper(Vietnamese)}";
    }

    public static string Reporter(TthcResultsReport report) => "Đơn vị báo cáo: " + Issuer(report);

    public static string RecipientLine => "Đơn vị nhận báo cáo: " + Recipient;

    /// <summary>"Kỳ báo cáo: Quý III/2026".</summary>
    public static string PeriodName(TthcResultsReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return "Kỳ báo cáo: " + report.Period.Label;
    }

    /// <summary>"(Từ ngày 15/06/2026 đến ngày 14/09/2026)": the days the figures cover.</summary>
    public static string Window(TthcResultsReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return $"(Từ ngày {report.Period.Start:dd/MM/yyyy} đến ngày {report.Period.End:dd/MM/yyyy})";
    }

    /// <summary>One line with the period and its window, where a single line fits better (the bulletin's form page).</summary>
    public static string PeriodLine(TthcResultsReport report) => $"{PeriodName(report)} {Window(report)}";

    /// <summary>"Hà Nội, ngày … tháng … năm 2026": the signer writes the day and month.</summary>
    public static string PlaceAndDate(TthcResultsReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var year = MetricFormat.InVietnam(report.GeneratedAt).Year;
        return $"{(report.Province is null ? "Hà Nội" : report.UnitName)}, ngày … tháng … năm {year}";
    }

    /// <summary>The signature block, as (left, right) lines: the preparer on the left, the head of the unit on the right.</summary>
    public static IReadOnlyList<(string Left, string Right)> Signatures(TthcResultsReport report) =>
    [
        (string.Empty, PlaceAndDate(report)),
        (Preparer, Head),
        (PreparerSigns, HeadSigns),
    ];

    public static IReadOnlyList<string> Notes(TthcResultsReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var notes = new List<string>
        {
            "Ghi chú: (3) = (4) + (5) + (6); (7) = (8) + (9) + (10); (11) = (12) + (13); (3) = (7) + (11).",
            Withdrawals(report),
            WindowNote(report),
            report.Geo == 2025
                ? "Địa giới: 34 tỉnh, thành phố từ 01/07/2025; hồ sơ của các tỉnh cũ được tính vào tỉnh mới tương ứng."
                : "Địa giới: 63 tỉnh, thành phố như khi tiếp nhận hồ sơ.",
        };
        if (report.DistrictsFolded)
        {
            notes.Add($"Từ ngày {LevelRule.Abolished:dd/MM/yyyy} không còn cấp huyện: hồ sơ do cấp huyện tiếp nhận được tính vào cấp xã, cấp tiếp nhận và giải quyết tiếp các hồ sơ này.");
        }

        return notes;
    }

    /// <summary>Column (7) counts withdrawals as resolved on time, as the one-stop systems print the form; the note says
    /// how many, so that the form's (7) and the "đã giải quyết" of the bulletin and the dashboard reconcile on the page.</summary>
    private static string Withdrawals(TthcResultsReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var total = report.Rows.LastOrDefault(r => r.Depth == 0)?.Figures;
        var withdrawn = report.Withdrawn;
        return total is null
            ? "Cột (7) và (9) gồm cả hồ sơ công dân xin rút, như các hệ thống một cửa điện tử in biểu này; thời gian chờ bổ sung hồ sơ không tính vào thời hạn giải quyết."
            : $"Cột (7) gồm {MetricFormat.Count(total.ResolvedTotal - withdrawn)} hồ sơ có kết quả giải quyết và {MetricFormat.Count(withdrawn)} hồ sơ công dân xin rút "
              + "(tính là đúng hạn ở cột (9)), như các hệ thống một cửa điện tử in biểu này; thời gian chờ bổ sung hồ sơ không tính vào thời hạn giải quyết.";
    }

    private static string WindowNote(TthcResultsReport report) => report.Period.CutoffDay is { } day
        ? $"Số liệu từ ngày {day} tháng trước kỳ đến ngày {day - 1} của tháng cuối kỳ, theo thời gian chốt số liệu báo cáo định kỳ."
        : "Số liệu theo tháng, quý, năm dương lịch.";
}

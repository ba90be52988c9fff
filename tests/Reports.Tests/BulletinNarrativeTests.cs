using ReformMetrics.Metrics.Catalogue;
using ReformMetrics.Metrics.Periods;
using ReformMetrics.Metrics.Query;
using ReformMetrics.Metrics.Rankings;
using ReformMetrics.Metrics.Targets;
using ReformMetrics.Reports.Bulletin;
using ReformMetrics.Reports.OfficialForm;

namespace ReformMetrics.Reports.Tests;

/// <summary>The written summary chooses its words from the figures: each case changes one figure and names the sentence it must produce.</summary>
public sealed class BulletinNarrativeTests
{
    private static readonly Period April = Period.Month(2025, 4);

    public static TheoryData<string, string> Cases => new()
    {
        // case name → a sentence (or part) the summary must contain
        { "improved-and-met", "đạt 96,25%, tăng 1,25 điểm phần trăm so với tháng 3/2025 (95,00%), đạt chỉ tiêu 95,00%." },
        { "declined-and-missed", "đạt 93,75%, giảm 1,25 điểm phần trăm so với tháng 3/2025 (95,00%), chưa đạt chỉ tiêu 95,00%." },
        { "unchanged", "đạt 95,00%, không thay đổi so với tháng 3/2025, đạt chỉ tiêu 95,00%." },
        { "no-previous", "tỷ lệ đúng hạn (gồm trước hạn và đúng hạn) trên số hồ sơ đã giải quyết đạt 95,00%, đạt chỉ tiêu 95,00%" },
        { "nothing-resolved", "Trong kỳ chưa có hồ sơ nào được giải quyết, nên chưa tính được tỷ lệ giải quyết đúng hạn." },
        { "nothing-received", "Trong tháng 4/2025, toàn tỉnh không tiếp nhận hồ sơ thủ tục hành chính nào." },
        { "more-received", "Số hồ sơ mới tiếp nhận tăng 25,0% so với tháng 3/2025 (80 hồ sơ)." },
        { "fewer-received", "Số hồ sơ mới tiếp nhận giảm 50,0% so với tháng 3/2025 (200 hồ sơ)." },
        { "none-overdue-pending", "Đến hết ngày 30/04/2025, còn 10 hồ sơ đang giải quyết, tất cả đều trong hạn." },
        { "nothing-pending", "Đến hết ngày 30/04/2025, không còn hồ sơ nào đang giải quyết." },
        { "none-overdue-resolved", "Không có hồ sơ nào giải quyết quá hạn." },
        { "every-overdue-apologised", "Tỷ lệ hồ sơ quá hạn có văn bản xin lỗi tổ chức, cá nhân là 100,00%." },
        { "no-ratings", "Trong kỳ chưa có đánh giá mức độ hài lòng của tổ chức, cá nhân." },
        { "rank-up", "tỉnh xếp thứ 1/3 tỉnh, thành phố, tăng 2 bậc so với tháng 3/2025 (thứ 3)." },
        { "rank-down", "tỉnh xếp thứ 3/3 tỉnh, thành phố, giảm 2 bậc so với tháng 3/2025 (thứ 1)." },
        { "rank-same", "tỉnh xếp thứ 2/3 tỉnh, thành phố, giữ nguyên thứ hạng so với tháng 3/2025." },
        { "city", "Trong tháng 4/2025, toàn thành phố tiếp nhận" },
        { "quarter", "Trong quý II/2025, toàn tỉnh tiếp nhận" },
        { "days", "Từ ngày 03/04/2025 đến ngày 20/04/2025, toàn tỉnh tiếp nhận" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_summary_says_what_the_figures_show(string name, string expected)
    {
        var text = string.Join(" ", BulletinNarrative.Paragraphs(Report(name)));

        Assert.Contains(expected, text, StringComparison.Ordinal);
    }

    [Fact]
    public void Improvement_and_decline_are_never_worded_alike()
    {
        var up = string.Join(" ", BulletinNarrative.Paragraphs(Report("improved-and-met")));
        var down = string.Join(" ", BulletinNarrative.Paragraphs(Report("declined-and-missed")));

        Assert.DoesNotContain("giảm", up, StringComparison.Ordinal);
        Assert.DoesNotContain("chưa đạt", up, StringComparison.Ordinal);
        Assert.DoesNotContain("tăng 1,25", down, StringComparison.Ordinal);
        Assert.Contains("chưa đạt", down, StringComparison.Ordinal);
    }

    /// <summary>A province with 100 new dossiers (of 120), 80 resolved at a 95% on-time rate the month before and this
    /// month, 10 pending (2 overdue), ranked 2nd of 3 both times; each case changes what its name says.</summary>
    private static BulletinReport Report(string name)
    {
        var values = new Dictionary<string, double?>(StringComparer.Ordinal)
        {
            ["received_total"] = 120, ["carried_over"] = 20, ["received_new"] = 100, ["received_online"] = 50, ["received_direct"] = 40,
            ["received_postal"] = 10, ["resolved_total"] = 80, ["resolved_early"] = 60, ["resolved_on_time"] = 16, ["resolved_overdue"] = 4,
            ["withdrawn"] = 0, ["in_progress"] = 10, ["in_progress_within_deadline"] = 8, ["in_progress_overdue"] = 2, ["on_time_rate"] = 0.95,
            ["apology_rate"] = 0.5, ["online_share"] = 0.5, ["postal_share"] = 0.1, ["online_payment_share"] = 0.3, ["satisfaction_index"] = 0.92,
        };
        var previous = new Dictionary<string, double?>(values, StringComparer.Ordinal) { ["received_new"] = 100 };
        var (rank, previousRank) = (2, 2);
        var province = "72";
        var period = April;
        switch (name)
        {
            case "improved-and-met": values["on_time_rate"] = 0.9625; break;
            case "declined-and-missed": values["on_time_rate"] = 0.9375; break;
            case "no-previous": previous["on_time_rate"] = null; break;
            case "nothing-resolved":
                values["resolved_total"] = values["resolved_early"] = values["resolved_on_time"] = values["resolved_overdue"] = 0;
                values["on_time_rate"] = null;
                break;
            case "nothing-received": values["received_total"] = 0; break;
            case "more-received": previous["received_new"] = 80; break;
            case "fewer-received": previous["received_new"] = 200; break;
            case "none-overdue-pending": values["in_progress_overdue"] = 0; values["in_progress_within_deadline"] = 10; break;
            case "nothing-pending": values["in_progress"] = values["in_progress_overdue"] = values["in_progress_within_deadline"] = 0; break;
            case "none-overdue-resolved": values["resolved_overdue"] = 0; values["resolved_on_time"] = 20; break;
            case "every-overdue-apologised": values["apology_rate"] = 1; break;
            case "no-ratings": values["satisfaction_index"] = null; break;
            case "rank-up": (rank, previousRank) = (1, 3); break;
            case "rank-down": (rank, previousRank) = (3, 1); break;
            case "city": province = "01"; break;
            case "quarter": period = Period.Quarter(2025, 2); break;
            case "days": period = Period.Range(new DateOnly(2025, 4, 3), new DateOnly(2025, 4, 20)); break;
        }

        var totals = new KpiGroup([], period, MetricValues.Of(m => values.GetValueOrDefault(m.Key)), MetricValues.Of(m => previous.GetValueOrDefault(m.Key)), null);
        var targets = new Dictionary<MetricDefinition, TargetCheck> { [MetricCatalogue.OnTimeRate] = new("on_time_rate", 0.95, "province", values["on_time_rate"]) };
        var others = new[] { "80", "99" };
        var units = new List<RankedUnit> { new(province, "Tỉnh", values["on_time_rate"] ?? 0.9, rank, previousRank, 0.95) };
        units.AddRange(others.Select((code, i) => new RankedUnit(code, code, 0.9, i + (rank == 1 ? 2 : 1), i + (previousRank == 1 ? 2 : 1), 0.9)));
        var ranking = new RankingResult(MetricCatalogue.OnTimeRate, Dimension.Province, new Selection { Period = period }, units);
        var form = new TthcResultsReport("Tỉnh", period, 2025, FormLayout.LevelAndSector, [], DateTimeOffset.UnixEpoch);
        return new BulletinReport("Tỉnh", province, period, 2025, totals, targets, [], [], [], ranking, form, DateTimeOffset.UnixEpoch);
    }
}

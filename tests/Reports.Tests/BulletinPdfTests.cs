using Microsoft.Extensions.Logging.Abstractions;
using ReformMetrics.Metrics.Catalogue;
using ReformMetrics.Metrics.Periods;
using ReformMetrics.Metrics.Query;
using ReformMetrics.Metrics.Rankings;
using ReformMetrics.Metrics.Targets;
using ReformMetrics.Reports.Bulletin;
using ReformMetrics.Reports.OfficialForm;
using ReformMetrics.Reports.Pdf;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Reports.Tests;

/// <summary>The PDF bulletin and the PDF form written for the hand-made Tây Ninh of April 2025 and read back with PdfPig.</summary>
public sealed class BulletinPdfTests(Scenario scenario) : IClassFixture<Scenario>
{
    [Fact]
    public async Task The_bulletin_reads_back_with_the_hand_computed_figures_and_the_sentences_they_call_for()
    {
        var pdf = PdfText.Read(await BulletinAsync("72"));

        // Cover, summary and headline table, charts, ranking, the form (landscape), definitions.
        Assert.Equal(6, pdf.Pages.Count);
        Assert.Equal([false, false, false, false, true, false], pdf.Sizes.Select(s => s.Width > s.Height));
        Assert.All(pdf.Sizes, s => Assert.Equal(842, Math.Round(Math.Max(s.Width, s.Height))));
        Assert.All(pdf.Fonts, f => Assert.Contains("LiberationSerif", f, StringComparison.Ordinal));
        Assert.Contains("BẢN TIN KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TỈNH TÂY NINH Tháng 4/2025 (Từ ngày 01/04/2025 đến ngày 30/04/2025)", pdf.Pages[0], StringComparison.Ordinal);
        Assert.Contains("Đúng hạn / đã giải quyết 66,67% -33,33 điểm so với kỳ trước", pdf.Pages[0], StringComparison.Ordinal);
        Assert.Contains("Đúng hạn / nhận giải quyết 33,33%", pdf.Pages[0], StringComparison.Ordinal);
        Assert.DoesNotContain("ReformMetrics", pdf.All, StringComparison.Ordinal);
        for (var page = 0; page < 6; page++)
        {
            Assert.EndsWith($"Trang {page + 1}/6", pdf.Pages[page], StringComparison.Ordinal);
        }

        // April 2025, old Tây Ninh: 3 carried over (A, N, O) + 9 new (B, E online; D by post; C, F, G, H, P, T at the
        // counter); March had 5 new (A, I, J, O direct; N online). Resolved: A, T early; B, G on time; C, N late; H
        // withdrawn. March: J, on time, alone. Ratings: B, N satisfied; C, T not. Apologies: C, N, O of C, N, O, D.
        string[] sentences =
        [
            "Trong tháng 4/2025, toàn tỉnh tiếp nhận 12 hồ sơ thủ tục hành chính, trong đó 3 hồ sơ từ kỳ trước chuyển sang và 9 hồ sơ mới tiếp nhận (2 hồ sơ trực tuyến, 6 hồ sơ trực tiếp, 1 hồ sơ qua dịch vụ bưu chính).",
            "Số hồ sơ mới tiếp nhận tăng 80,0% so với tháng 3/2025 (5 hồ sơ).",
            "Đã giải quyết 6 hồ sơ (2 trước hạn, 2 đúng hạn, 2 quá hạn); tỷ lệ đúng hạn (gồm trước hạn và đúng hạn) trên số hồ sơ đã giải quyết đạt 66,67%, giảm 33,33 điểm phần trăm so với tháng 3/2025 (100,00%), trên tổng số hồ sơ nhận giải quyết (gồm cả hồ sơ đang giải quyết) là 33,33%.",
            "Ngoài ra có 1 hồ sơ được tổ chức, cá nhân xin rút (biểu số 06 tính cả các hồ sơ này ở cột (7): 7 hồ sơ).",
            "Tỷ lệ hồ sơ quá hạn có văn bản xin lỗi tổ chức, cá nhân là 75,00%",
            "Đến hết ngày 30/04/2025, còn 5 hồ sơ đang giải quyết, trong đó 3 hồ sơ trong hạn và 2 hồ sơ đã quá hạn",
            "Tỷ lệ hồ sơ tiếp nhận trực tuyến đạt 22,22%, tăng 2,22 điểm phần trăm so với tháng 3/2025 (20,00%).",
            "Tỷ lệ đánh giá hài lòng của tổ chức, cá nhân (trên số lượt đánh giá) đạt 50,00%, chưa đạt chỉ tiêu 90,00%.",
            "Về tỷ lệ giải quyết đúng hạn, tỉnh xếp thứ 2/2 tỉnh, thành phố, giảm 1 bậc so với tháng 3/2025 (thứ 1).",
            "Các lĩnh vực có tỷ lệ giải quyết quá hạn cao nhất: Hộ tịch (40,00%, 2/5 hồ sơ).",
        ];
        Assert.All(sentences, s => Assert.Contains(s, pdf.Pages[1], StringComparison.Ordinal));

        // March: J alone resolved on time of the 5 received (A, I, J, N, O), so 20,00% over the received.
        // The headline table: this period, the previous one, the change, a year earlier, the target, the verdict.
        Assert.Contains("Chỉ tiêu Tháng 4/2025 Tháng 3/2025 Thay đổi so với kỳ trước Tháng 4/2024 Chỉ tiêu giao Đánh giá", pdf.Pages[1], StringComparison.Ordinal);
        Assert.Contains("Tổng số hồ sơ nhận giải quyết 12 5 +140,0% 0 — —", pdf.Pages[1], StringComparison.Ordinal);
        Assert.Contains("Tỷ lệ đúng hạn trên số hồ sơ đã giải quyết 66,67% 100,00% -33,33 điểm — — —", pdf.Pages[1], StringComparison.Ordinal);
        Assert.Contains("Tỷ lệ đúng hạn trên tổng số hồ sơ nhận giải quyết 33,33% 20,00% +13,33 điểm — — —", pdf.Pages[1], StringComparison.Ordinal);
        // The scenario's targets file sets 90% nationally (none is built in).
        Assert.Contains("Tỷ lệ hài lòng 50,00% — — — 90,00% Chưa đạt", pdf.Pages[1], StringComparison.Ordinal);
        Assert.DoesNotContain("Chỉ số hài lòng", pdf.All, StringComparison.Ordinal);

        Assert.Contains("2 (22,22%) 6 (66,67%) 1 (11,11%) Trực tuyến Trực tiếp Bưu chính", pdf.Pages[2], StringComparison.Ordinal);
        Assert.Contains("STT Lĩnh vực Tỷ lệ giải quyết quá hạn Số hồ sơ quá hạn Số hồ sơ đã giải quyết 1 Hộ tịch 40,00% 2 5", pdf.Pages[2], StringComparison.Ordinal);
        Assert.Contains("1. Long An 2. Tây Ninh", pdf.Pages[3], StringComparison.Ordinal);
        Assert.Contains("2 Hộ tịch 11 2 6 3 6 1 3 2 5 3 2", pdf.Pages[4], StringComparison.Ordinal);
        // One name, one figure: the form's column (7) is reconciled with the "đã giải quyết" of the cover and the summary.
        Assert.Contains("Cột (7) gồm 6 hồ sơ có kết quả giải quyết và 1 hồ sơ công dân xin rút", pdf.Pages[4], StringComparison.Ordinal);
        Assert.Contains("Tỷ lệ đúng hạn trên số hồ sơ đã giải quyết Số hồ sơ giải quyết trước hạn và đúng hạn chia cho số hồ sơ đã giải quyết.", pdf.Pages[5], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_national_bulletin_names_the_leading_and_trailing_provinces()
    {
        var pdf = PdfText.Read(await BulletinAsync(null));

        Assert.Contains("TOÀN QUỐC", pdf.Pages[0], StringComparison.Ordinal);
        // Long An's K and Tây Ninh's 12 (the 2008 geography; the bulletin has no province to highlight or place).
        Assert.Contains("Trong tháng 4/2025, toàn quốc tiếp nhận 13 hồ sơ thủ tục hành chính", pdf.Pages[1], StringComparison.Ordinal);
        Assert.Contains("các địa phương dẫn đầu là Long An (100,00%); các địa phương có tỷ lệ thấp nhất là Tây Ninh (66,67%).", pdf.Pages[1], StringComparison.Ordinal);
        Assert.DoesNotContain("xếp thứ", pdf.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_official_form_in_PDF_holds_the_same_rows_as_the_workbook()
    {
        var pdf = PdfText.Read(await FormPdfAsync());

        Assert.Single(pdf.Pages);
        Assert.True(pdf.Sizes[0].Width > pdf.Sizes[0].Height);
        var text = pdf.Pages[0];
        Assert.StartsWith("Biểu số 06/VPCP/KSTT Đơn vị báo cáo: UBND TỈNH TÂY NINH Ban hành theo Thông tư số 01/2020/TT-VPCP ngày 21/10/2020 Đơn vị nhận báo cáo: Văn phòng Chính phủ TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH Kỳ báo cáo: Tháng 4/2025 (Từ ngày 01/04/2025 đến ngày 30/04/2025) Đơn vị tính: Số hồ sơ TTHC", text, StringComparison.Ordinal);
        Assert.Contains("(1) (2) (3) (4) (5) (6) (7) (8) (9) (10) (11) (12) (13) I Cấp xã (xã, phường, thị trấn) 12 2 7 3 7 2 3 2 5 3 2 1 Đất đai 1 0 1 0 1 1 0 0 0 0 0 2 Hộ tịch 11 2 6 3 6 1 3 2 5 3 2 TỔNG CỘNG 12 2 7 3 7 2 3 2 5 3 2 Ghi chú:", text, StringComparison.Ordinal);
        Assert.EndsWith("Trang 1/1", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_ranking_chart_shows_each_province_s_rate_at_its_bar_and_says_where_its_value_axis_starts()
    {
        var report = await BulletinReportAsync("72");
        var pdf = await BulletinAsync("72");
        var page = PdfText.Read(pdf).Pages.ToList().FindIndex(p => p.Contains("V. XẾP HẠNG CÁC TỈNH, THÀNH PHỐ", StringComparison.Ordinal));
        var words = Pdftotext.Words(pdf);
        var lines = Pdftotext.Lines(words, page, new SkiaSharp.SKRect(0, 0, 1000, 1000)).Select(l => string.Join(" ", l.Select(w => w.Text))).ToList();

        // Each province's line holds its rank, name and rate (vi-VN), as the ranking has them.
        var ranked = report.Ranking.Units.Where(u => u.Value is not null).ToList();
        Assert.Equal(2, ranked.Count);
        Assert.All(ranked, u => Assert.Contains($"{u.Rank}. {u.Name} {MetricFormat.Percent(u.Value!.Value)}", lines));
        // The axis starts below the lowest rate and above 0, and the caption says where.
        var start = BulletinCharts.RankingAxisStart(report);
        Assert.InRange(start, 1, ranked.Min(u => u.Value!.Value) * 100);
        Assert.Equal(start, BulletinCharts.Ranking(report).Axes.GetLimits().Left);
        Assert.Contains($"Trục giá trị bắt đầu từ {start.ToString("N0", MetricFormat.Vietnamese)}%, không phải từ 0%.", PdfText.Read(pdf).Pages[page], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { 90.0, 94.1, 99.5 }, 85)]
    [InlineData(new[] { 96.3, 99.0 }, 90)]
    [InlineData(new[] { 3.0, 99.0 }, 0)]
    [InlineData(new double[0], 0)]
    public void The_ranking_s_value_axis_starts_at_a_round_five_below_the_lowest_rate(double[] percents, double start) =>
        Assert.Equal(start, BulletinCharts.RankingAxisStart(percents));

    private Task<BulletinReport> BulletinReportAsync(string? province) =>
        TestReports.Bulletins(scenario.Database.Store, TimeProvider.System).BuildAsync(Period.Month(2025, 4), 2008, province, TestContext.Current.CancellationToken);

    private async Task<byte[]> BulletinAsync(string? province)
    {
        var report = await BulletinReportAsync(province);
        using var stream = new MemoryStream();
        BulletinPdf.Write(report, stream);
        return stream.ToArray();
    }

    private async Task<byte[]> FormPdfAsync()
    {
        var report = await TestReports.Forms(scenario.Database.Store, TimeProvider.System).BuildAsync(Period.Month(2025, 4), 2008, "72", FormLayout.LevelAndSector, TestContext.Current.CancellationToken);
        using var stream = new MemoryStream();
        TthcResultsPdf.Write(report, stream);
        return stream.ToArray();
    }
}

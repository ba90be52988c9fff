using ClosedXML.Excel;
using ReformMetrics.Metrics.Periods;
using ReformMetrics.Reports.Excel;
using ReformMetrics.Reports.OfficialForm;
using ReformMetrics.Reports.Pdf;
using ReformMetrics.Store.Refresh;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Reports.Tests;

/// <summary>
/// Dossiers around the 2025 reform, in the 2025 geography: old Long An (80, part of Tây Ninh from 01/07/2025) has three
/// dossiers received by a district in June 2025, a commune one in July and a provincial one in August; Hà Nội (a city)
/// one commune dossier in July.
/// </summary>
public sealed class ReformScenario(TestEngine engine) : IAsyncLifetime
{
    public static readonly Dictionary<string, Ev[]> Dossiers = new(StringComparer.Ordinal)
    {
        // District, before the window of Q3 (15/06): carried over, still pending and overdue at its end.
        ["D1"] = [new("received", "2025-06-10 09:00", "80", Channel: "direct", Due: "2025-06-13 17:00", Level: "district")],
        // District, online before the window, resolved late on 3 July by the unit that took it over.
        ["D2"] = [new("received", "2025-06-12 09:00", "80", Channel: "online", Due: "2025-06-17 17:00", Level: "district"), new("resolved", "2025-07-03 09:00")],
        // District, inside the window, resolved early in June.
        ["D3"] = [new("received", "2025-06-16 09:00", "80", Channel: "direct", Due: "2025-06-19 17:00", Level: "district"), new("resolved", "2025-06-18 09:00")],
        // Commune, resolved on its due day.
        ["C1"] = [new("received", "2025-07-10 09:00", "80", Channel: "online", Due: "2025-07-15 17:00"), new("resolved", "2025-07-15 10:00")],
        // Province level, overdue at the end of the window.
        ["P1"] = [new("received", "2025-08-01 09:00", "80", Channel: "direct", Due: "2025-08-06 17:00", Level: "province")],
        // Hà Nội, commune, resolved early.
        ["H1"] = [new("received", "2025-07-02 09:00", "01", Channel: "direct", Due: "2025-07-07 17:00"), new("resolved", "2025-07-04 09:00")],
    };

    public TestDatabase Database { get; } = new(engine);

    public async ValueTask InitializeAsync()
    {
        await Database.InitializeAsync();
        foreach (var (id, events) in Dossiers)
        {
            await EventWriter.WriteAsync(Database.Store, id, events);
        }

        await new DossierRefresher(Database.Store, Microsoft.Extensions.Logging.Abstractions.NullLogger<DossierRefresher>.Instance).RefreshAsync(TestContext.Current.CancellationToken);
    }

    public ValueTask DisposeAsync() => Database.DisposeAsync();
}

/// <summary>The official form as an officer files it: title block, circular, window, levels after the reform,
/// signatures, in Excel and in PDF, for a province, a city and the whole country.</summary>
public sealed class OfficialFormTests(ReformScenario scenario) : IClassFixture<ReformScenario>
{
    private static readonly DateTimeOffset Generated = new(2025, 9, 20, 10, 0, 0, TimeSpan.FromHours(7));

    // Q3/2025 in its official window, 15/06–14/09/2025, province 80: the district's D1 and D2 are carried over, D3 is
    // received in the window; with the commune's C1 they make the commune block. P1 alone is the provincial block.
    public static TheoryData<string?, string, string, string[][]> Units => new()
    {
        {
            "80", "Đơn vị báo cáo: UBND TỈNH TÂY NINH", "Tây Ninh, ngày … tháng … năm 2025",
            [
                ["I", "Cấp tỉnh (sở, ban, ngành)", "1", "0", "1", "0", "0", "0", "0", "0", "1", "0", "1"],
                ["1", "Hộ tịch", "1", "0", "1", "0", "0", "0", "0", "0", "1", "0", "1"],
                ["II", "Cấp xã (xã, phường, đặc khu)", "4", "1", "1", "2", "3", "1", "1", "1", "1", "0", "1"],
                ["1", "Hộ tịch", "4", "1", "1", "2", "3", "1", "1", "1", "1", "0", "1"],
                ["", "TỔNG CỘNG", "5", "1", "2", "2", "3", "1", "1", "1", "2", "0", "2"],
            ]
        },
        {
            "01", "Đơn vị báo cáo: UBND THÀNH PHỐ HÀ NỘI", "Hà Nội, ngày … tháng … năm 2025",
            [
                ["I", "Cấp xã (xã, phường, đặc khu)", "1", "0", "1", "0", "1", "1", "0", "0", "0", "0", "0"],
                ["1", "Hộ tịch", "1", "0", "1", "0", "1", "1", "0", "0", "0", "0", "0"],
                ["", "TỔNG CỘNG", "1", "0", "1", "0", "1", "1", "0", "0", "0", "0", "0"],
            ]
        },
        {
            null, "Đơn vị báo cáo: TỔNG HỢP TOÀN QUỐC", "Hà Nội, ngày … tháng … năm 2025",
            [
                ["I", "Cấp tỉnh (sở, ban, ngành)", "1", "0", "1", "0", "0", "0", "0", "0", "1", "0", "1"],
                ["1", "Hộ tịch", "1", "0", "1", "0", "0", "0", "0", "0", "1", "0", "1"],
                ["II", "Cấp xã (xã, phường, đặc khu)", "5", "1", "2", "2", "4", "2", "1", "1", "1", "0", "1"],
                ["1", "Hộ tịch", "5", "1", "2", "2", "4", "2", "1", "1", "1", "0", "1"],
                ["", "TỔNG CỘNG", "6", "1", "3", "2", "4", "2", "1", "1", "2", "0", "2"],
            ]
        },
    };

    [Theory]
    [MemberData(nameof(Units))]
    public async Task The_workbook_has_the_official_title_block_window_rows_and_signatures(string? province, string reporter, string placeAndDate, string[][] rows)
    {
        using var workbook = await WorkbookAsync(province);
        var sheet = workbook.Worksheet(1);

        Assert.Equal(
            [
                "Biểu số 06/VPCP/KSTT", reporter, "Ban hành theo Thông tư số 01/2020/TT-VPCP ngày 21/10/2020", "Đơn vị nhận báo cáo: Văn phòng Chính phủ",
                "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH",
                "Kỳ báo cáo: Quý III/2025", "(Từ ngày 15/06/2025 đến ngày 14/09/2025)", "Đơn vị tính: Số hồ sơ TTHC",
            ],
            [
                sheet.Cell(1, 1).GetString(), sheet.Cell(1, 9).GetString(), sheet.Cell(2, 1).GetString(), sheet.Cell(2, 9).GetString(),
                sheet.Cell(3, 1).GetString(), sheet.Cell(4, 1).GetString(), sheet.Cell(5, 1).GetString(), sheet.Cell(6, 1).GetString(),
            ]);
        for (var r = 0; r < rows.Length; r++)
        {
            Assert.Equal(rows[r], Enumerable.Range(1, 13).Select(c => sheet.Cell(TthcResultsWorkbook.FirstDataRow + r, c).Value.ToString()!).ToArray());
        }

        var text = Enumerable.Range(1, 60).SelectMany(r => Enumerable.Range(1, 13).Select(c => sheet.Cell(r, c).GetString())).Where(t => t.Length > 0).ToList();
        Assert.DoesNotContain(text, t => t.Contains("Cấp huyện", StringComparison.Ordinal) || t.Contains("ReformMetrics", StringComparison.Ordinal));
        // The signature block follows the notes: place and date over the head of the unit, the preparer on the left.
        var date = text.IndexOf(placeAndDate);
        Assert.True(date > 0, "no place and date line");
        Assert.Equal(["NGƯỜI LẬP BIỂU", "THỦ TRƯỞNG ĐƠN VỊ", "(Ký, ghi rõ họ tên)", "(Ký tên, đóng dấu)"], text.Skip(date + 1).Take(4));
    }

    [Theory]
    [MemberData(nameof(Units))]
    public async Task The_PDF_prints_the_same_title_block_rows_and_signatures(string? province, string reporter, string placeAndDate, string[][] rows)
    {
        var report = await TestReports.Forms(scenario.Database.Store, new FixedClock(Generated))
            .BuildAsync(Period.Quarter(2025, 3).WithCutoff(15), 2025, province, FormLayout.LevelAndSector, TestContext.Current.CancellationToken);
        using var stream = new MemoryStream();
        TthcResultsPdf.Write(report, stream);
        var text = PdfText.Read(stream.ToArray()).All;

        Assert.StartsWith(
            $"Biểu số 06/VPCP/KSTT {reporter} Ban hành theo Thông tư số 01/2020/TT-VPCP ngày 21/10/2020 Đơn vị nhận báo cáo: Văn phòng Chính phủ "
            + "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH "
            + "Kỳ báo cáo: Quý III/2025 (Từ ngày 15/06/2025 đến ngày 14/09/2025) Đơn vị tính: Số hồ sơ TTHC", text, StringComparison.Ordinal);
        Assert.Contains(string.Join(" ", rows.Select(r => string.Join(" ", r.Where(c => c.Length > 0)))), text, StringComparison.Ordinal);
        Assert.Contains($"{placeAndDate} NGƯỜI LẬP BIỂU THỦ TRƯỞNG ĐƠN VỊ (Ký, ghi rõ họ tên) (Ký tên, đóng dấu)", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Cấp huyện", text, StringComparison.Ordinal);
        Assert.DoesNotContain("ReformMetrics", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Before_the_reform_the_district_block_stays_and_the_calendar_window_is_printed()
    {
        var report = await TestReports.Forms(scenario.Database.Store, new FixedClock(Generated))
            .BuildAsync(ReportingWindow.For(Period.Quarter(2025, 2), calendar: true), 2025, "80", FormLayout.LevelAndSector, TestContext.Current.CancellationToken);

        // 1 April – 30 June: D1 and D2 pending and overdue at the end, D3 resolved early; all three at the district.
        Assert.Equal(
            [("I", "Cấp huyện (huyện, quận, thị xã, thành phố thuộc tỉnh)", new long[] { 3, 1, 2, 0, 1, 1, 0, 0, 2, 0, 2 }), ("", "TỔNG CỘNG", [3, 1, 2, 0, 1, 1, 0, 0, 2, 0, 2])],
            report.Rows.Where(r => r.Depth < 2).Select(r => (r.Number, r.Label, r.Figures.Columns)).ToList(),
            new RowComparer());
        Assert.Equal("(Từ ngày 01/04/2025 đến ngày 30/06/2025)", FormText.Window(report));
        Assert.Contains("Số liệu theo tháng, quý, năm dương lịch.", FormText.Notes(report));
        Assert.False(report.DistrictsFolded);
    }

    [Fact]
    public async Task After_the_reform_the_notes_say_where_the_district_dossiers_went_and_reconcile_column_7()
    {
        var report = await TestReports.Forms(scenario.Database.Store, new FixedClock(Generated))
            .BuildAsync(ReportingWindow.For(Period.Quarter(2025, 3)), 2025, "80", FormLayout.LevelAndSector, TestContext.Current.CancellationToken);

        Assert.True(report.DistrictsFolded);
        Assert.Equal(15, report.Period.CutoffDay);
        var notes = FormText.Notes(report);
        Assert.Contains(notes, n => n.StartsWith("Từ ngày 01/07/2025 không còn cấp huyện", StringComparison.Ordinal));
        Assert.Contains("Cột (7) gồm 3 hồ sơ có kết quả giải quyết và 0 hồ sơ công dân xin rút", notes[1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2025-09", false, "2025-08-15", "2025-09-14")]
    [InlineData("2025-Q3", false, "2025-06-15", "2025-09-14")]
    [InlineData("2025-H1", false, "2024-12-15", "2025-06-14")]
    [InlineData("2025-9M", false, "2024-12-15", "2025-09-14")]
    [InlineData("2025", false, "2024-12-15", "2025-12-14")]
    [InlineData("2025-Q3", true, "2025-07-01", "2025-09-30")]
    [InlineData("2025-01-01..2025-02-10", false, "2025-01-01", "2025-02-10")]
    public void Reports_cover_the_official_window_unless_the_calendar_is_asked_for(string period, bool calendar, string start, string end)
    {
        var window = ReportingWindow.For(Period.Parse(period, new DateOnly(2026, 12, 7)), calendar);

        Assert.Equal((DateOnly.Parse(start, System.Globalization.CultureInfo.InvariantCulture), DateOnly.Parse(end, System.Globalization.CultureInfo.InvariantCulture)), (window.Start, window.End));
    }

    private async Task<XLWorkbook> WorkbookAsync(string? province)
    {
        var report = await TestReports.Forms(scenario.Database.Store, new FixedClock(Generated))
            .BuildAsync(ReportingWindow.For(Period.Quarter(2025, 3)), 2025, province, FormLayout.LevelAndSector, TestContext.Current.CancellationToken);
        var stream = new MemoryStream();
        TthcResultsWorkbook.Write(report, stream);
        stream.Position = 0;
        return new XLWorkbook(stream);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now.ToUniversalTime();
    }

    private sealed class RowComparer : IEqualityComparer<(string, string, long[])>
    {
        public bool Equals((string, string, long[]) x, (string, string, long[]) y) => x.Item1 == y.Item1 && x.Item2 == y.Item2 && x.Item3.SequenceEqual(y.Item3);

        public int GetHashCode((string, string, long[]) obj) => obj.Item2.GetHashCode(StringComparison.Ordinal);
    }
}

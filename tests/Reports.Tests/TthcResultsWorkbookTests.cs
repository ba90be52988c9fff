using ClosedXML.Excel;
using Microsoft.Extensions.Logging.Abstractions;
using ReformMetrics.Metrics.Periods;
using ReformMetrics.Metrics.Query;
using ReformMetrics.Reports.Excel;
using ReformMetrics.Reports.OfficialForm;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Reports.Tests;

/// <summary>The official form written to Excel and read back, for the hand-made Tây Ninh of April 2025.</summary>
public sealed class TthcResultsWorkbookTests(Scenario scenario) : IClassFixture<Scenario>
{
    [Fact]
    public async Task Every_cell_of_the_form_holds_the_hand_computed_figure()
    {
        using var workbook = await WriteAsync(FormLayout.LevelAndSector);
        var sheet = workbook.Worksheet(1);

        // Civil status (HOTICH): 11 received (2 online, 6 at the counter or by post, 3 carried over); resolved 5 + 1
        // withdrawn (early 1, on time 2 + the withdrawal, late 2); 5 in progress (3 within, 2 overdue).
        // Land (DATDAI): T, received and resolved early. Every dossier of the scenario is at commune level.
        string[][] expected =
        [
            ["I", "Cấp xã (xã, phường, thị trấn)", "12", "2", "7", "3", "7", "2", "3", "2", "5", "3", "2"],
            ["1", "Đất đai", "1", "0", "1", "0", "1", "1", "0", "0", "0", "0", "0"],
            ["2", "Hộ tịch", "11", "2", "6", "3", "6", "1", "3", "2", "5", "3", "2"],
            ["", "TỔNG CỘNG", "12", "2", "7", "3", "7", "2", "3", "2", "5", "3", "2"],
        ];
        for (var r = 0; r < expected.Length; r++)
        {
            var row = TthcResultsWorkbook.FirstDataRow + r;
            Assert.Equal(expected[r], Enumerable.Range(1, 13).Select(c => sheet.Cell(row, c).Value.ToString()!).ToArray());
        }

        Assert.True(sheet.Cell(TthcResultsWorkbook.FirstDataRow + expected.Length, 1).IsEmpty());
    }

    [Fact]
    public async Task The_title_block_headers_merges_formats_freeze_and_print_setup_follow_the_form()
    {
        using var workbook = await WriteAsync(FormLayout.LevelAndSector);
        var sheet = workbook.Worksheet(1);

        Assert.Equal("Biểu số 06/VPCP/KSTT", sheet.Cell(1, 1).GetString());
        Assert.Equal("Đơn vị báo cáo: UBND TỈNH TÂY NINH", sheet.Cell(1, 9).GetString());
        Assert.Equal("Kỳ báo cáo: Tháng 4/2025", sheet.Cell(4, 1).GetString());
        Assert.Equal("(Từ ngày 01/04/2025 đến ngày 30/04/2025)", sheet.Cell(5, 1).GetString());
        Assert.Equal("Số hồ sơ nhận giải quyết", sheet.Cell(8, 3).GetString());
        Assert.Equal("Trực tiếp, dịch vụ bưu chính", sheet.Cell(10, 5).GetString());
        Assert.Equal("(13)", sheet.Cell(11, 13).GetString());
        var merges = sheet.MergedRanges.Select(r => r.RangeAddress.ToString() ?? string.Empty).ToList();
        Assert.All(new[] { "A1:E1", "I1:M1", "A8:A10", "B8:B10", "C8:F8", "G8:J8", "K8:M8", "C9:C10", "D9:E9", "F9:F10", "M9:M10", "A3:M3" }, m => Assert.Contains(m, merges));
        Assert.Equal(TthcResultsWorkbook.NumberFormat, sheet.Cell(TthcResultsWorkbook.FirstDataRow, 3).Style.NumberFormat.Format);
        Assert.Equal((11, 2), (sheet.SheetView.SplitRow, sheet.SheetView.SplitColumn));
        Assert.Equal(XLPageOrientation.Landscape, sheet.PageSetup.PageOrientation);
        Assert.Equal(XLPaperSize.A4Paper, sheet.PageSetup.PaperSize);
    }

    [Fact]
    public async Task The_form_is_set_in_Times_New_Roman_11_for_its_table()
    {
        using var workbook = await WriteAsync(FormLayout.LevelAndSector);
        var sheet = Assert.Single(workbook.Worksheets);

        Assert.All(sheet.CellsUsed(), c => Assert.Equal("Times New Roman", c.Style.Font.FontName));
        Assert.Equal(11, sheet.Cell(TthcResultsWorkbook.FirstDataRow, 2).Style.Font.FontSize);
        Assert.Equal(11, sheet.Cell(TthcResultsWorkbook.FirstDataRow, 3).Style.Font.FontSize);
        Assert.Equal(11, sheet.Cell(TthcResultsWorkbook.HeaderTop, 3).Style.Font.FontSize);
        var fonts = XlsxFonts.Read(await BytesAsync(FormLayout.LevelAndSector));
        Assert.All(fonts.Names, n => Assert.Equal("Times New Roman", n));
        Assert.Equal(("Times New Roman", 11.0), (fonts.NormalName, fonts.NormalSize));
    }

    [Theory]
    [InlineData(FormLayout.LevelAndSector)]
    [InlineData(FormLayout.Agency)]
    public async Task The_identities_of_the_form_hold_in_every_row(FormLayout layout)
    {
        using var workbook = await WriteAsync(layout);
        var sheet = workbook.Worksheet(1);

        var rows = 0;
        for (var row = TthcResultsWorkbook.FirstDataRow; !sheet.Cell(row, 2).IsEmpty() && !sheet.Cell(row, 2).GetString().StartsWith("Ghi chú", StringComparison.Ordinal); row++)
        {
            var c = Enumerable.Range(0, 14).Select(i => i < 3 ? 0 : sheet.Cell(row, i).GetValue<long>()).ToArray();
            Assert.Equal(c[3], c[4] + c[5] + c[6]);
            Assert.Equal(c[7], c[8] + c[9] + c[10]);
            Assert.Equal(c[11], c[12] + c[13]);
            Assert.Equal(c[3], c[7] + c[11]);
            rows++;
        }

        Assert.True(rows >= 2);
    }

    [Fact]
    public async Task With_the_official_cut_off_the_form_covers_the_15th_to_the_14th_under_the_month_s_name()
    {
        using var workbook = await WriteAsync(FormLayout.LevelAndSector, Period.Month(2025, 4).WithCutoff(15));
        var sheet = workbook.Worksheet(1);

        Assert.Equal("(Từ ngày 15/03/2025 đến ngày 14/04/2025)", sheet.Cell(5, 1).GetString());
        // 15 March to 14 April: nothing carried over (I and J ended before the 15th); A, B, C, G, H, N, O, P, T received
        // (B and N online); A and T early, B and G on time, C and N late, H withdrawn; O (overdue) and P (within) pending.
        var total = Enumerable.Range(0, 20).Select(r => TthcResultsWorkbook.FirstDataRow + r).First(r => sheet.Cell(r, 2).GetString() == "TỔNG CỘNG");
        Assert.Equal([9L, 2, 7, 0, 7, 2, 3, 2, 2, 1, 1], Enumerable.Range(3, 11).Select(c => sheet.Cell(total, c).GetValue<long>()));
    }

    private async Task<XLWorkbook> WriteAsync(FormLayout layout, Period? period = null) => new(new MemoryStream(await BytesAsync(layout, period)));

    private async Task<byte[]> BytesAsync(FormLayout layout, Period? period = null)
    {
        var kpi = new KpiService(scenario.Database.Store, NullLogger<KpiService>.Instance);
        var report = await new TthcResultsBuilder(kpi, TimeProvider.System).BuildAsync(period ?? Period.Month(2025, 4), 2008, "72", layout, TestContext.Current.CancellationToken);
        using var stream = new MemoryStream();
        TthcResultsWorkbook.Write(report, stream);
        return stream.ToArray();
    }
}

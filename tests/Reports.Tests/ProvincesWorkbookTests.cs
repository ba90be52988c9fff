using ClosedXML.Excel;
using Microsoft.Extensions.Logging.Abstractions;
using ReformMetrics.Metrics.Catalogue;
using ReformMetrics.Metrics.Periods;
using ReformMetrics.Metrics.Query;
using ReformMetrics.Metrics.Rankings;
using ReformMetrics.Reports.Excel;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Reports.Tests;

/// <summary>The all-provinces workbook for April 2025 in the 2008 geography: Long An (80) resolved its one dossier
/// early (100%), Tây Ninh (72) 4 of 6 on time.</summary>
public sealed class ProvincesWorkbookTests(Scenario scenario) : IClassFixture<Scenario>
{
    [Fact]
    public async Task The_ranking_sheet_ranks_on_the_on_time_rate_best_first()
    {
        using var workbook = await WriteAsync();
        var sheet = workbook.Worksheet(ProvincesWorkbook.RankingSheet);

        Assert.Equal(["1", "80", "Long An", "1"], Enumerable.Range(1, 4).Select(c => sheet.Cell(4, c).Value.ToString()!).ToArray());
        Assert.Equal(["2", "72", "Tây Ninh"], Enumerable.Range(1, 3).Select(c => sheet.Cell(5, c).Value.ToString()!).ToArray());
        Assert.Equal(4.0 / 6, sheet.Cell(5, 4).GetValue<double>(), 9);
        Assert.Equal("0.00%", sheet.Cell(5, 4).Style.NumberFormat.Format);
        // March 2025: Tây Ninh resolved J early (rank 1); Long An resolved nothing (unranked).
        Assert.Equal((1, -1), (sheet.Cell(5, 5).GetValue<int>(), sheet.Cell(5, 6).GetValue<int>()));
        Assert.True(sheet.Cell(4, 5).IsEmpty());
    }

    [Fact]
    public async Task The_metric_sheets_have_a_row_per_province_and_the_data_sheet_is_a_table_of_every_month_level_and_sector()
    {
        using var workbook = await WriteAsync();

        var counts = workbook.Worksheet("Tiếp nhận, giải quyết");
        Assert.Equal("Số kỳ trước chuyển qua", counts.Cell(3, 3).GetString());
        Assert.Equal(("72", 3L), (counts.Cell(4, 1).GetString(), counts.Cell(4, 3).GetValue<long>()));
        // Tây Ninh's working days to resolution: 2, 2, 3, 4, 4, 6 (median 3, p90 6, mean 3.5), with a decimal shown.
        var days = workbook.Worksheet("Thời gian giải quyết");
        Assert.Equal(["Số ngày làm việc giải quyết (trung vị)", "Số ngày làm việc giải quyết (phân vị 90)", "Số ngày làm việc giải quyết (trung bình)"],
            Enumerable.Range(3, 3).Select(c => days.Cell(3, c).GetString()).ToArray());
        Assert.Equal(("72", 3.0, 6.0, 3.5), (days.Cell(4, 1).GetString(), days.Cell(4, 3).GetValue<double>(), days.Cell(4, 4).GetValue<double>(), days.Cell(4, 5).GetValue<double>()));
        Assert.Equal("#,##0.0", days.Cell(4, 5).Style.NumberFormat.Format);
        var data = workbook.Worksheet(ProvincesWorkbook.DataSheet);
        var table = Assert.Single(data.Tables);
        Assert.Equal("DuLieuHoSo", table.Name);
        // 72 commune DATDAI, 72 commune HOTICH, 80 commune HOTICH; new dossiers 1 + 8 + 1.
        Assert.Equal(3, table.DataRange.RowCount());
        var receivedNew = table.DataRange.Rows().Sum(r => r.Field(MetricCatalogue.ReceivedNew.Label).GetValue<long>());
        Assert.Equal(10, receivedNew);
        Assert.All(table.DataRange.Rows(), r => Assert.Equal(("2025-04", "Tháng 4/2025"), (r.Field("Mã tháng").GetString(), r.Field("Tháng").GetString())));
        Assert.All(table.DataRange.Rows(), r => Assert.Equal(XLDataType.Text, r.Field("Mã tỉnh").DataType));
    }

    [Fact]
    public async Task The_data_sheet_speaks_Vietnamese_with_each_code_in_a_column_of_its_own()
    {
        using var workbook = await WriteAsync();
        var table = Assert.Single(workbook.Worksheet(ProvincesWorkbook.DataSheet).Tables);

        var headers = table.HeadersRow().Cells().Select(c => c.GetString()).ToList();
        Assert.Equal(["Mã tháng", "Tháng", "Mã tỉnh", "Tỉnh, thành phố", "Mã cấp", "Cấp", "Mã lĩnh vực", "Lĩnh vực"], headers.Take(8));
        // The counts are headed by their labels in the catalogue, never by their keys.
        var counts = MetricCatalogue.All.Where(m => m.Family == MetricFamily.Dossiers && m.Unit == MetricUnit.Count).ToList();
        Assert.Equal(counts.Select(m => m.Label), headers.Skip(8));
        Assert.DoesNotContain(headers, h => System.Text.RegularExpressions.Regex.IsMatch(h, "^[a-z_=]+$"));

        var rows = table.DataRange.Rows().Select(r => Enumerable.Range(1, 8).Select(c => r.Cell(c).GetString()).ToArray()).ToList();
        Assert.Equal(
            ["72 Tây Ninh commune Cấp xã DATDAI Đất đai", "72 Tây Ninh commune Cấp xã HOTICH Hộ tịch", "80 Long An commune Cấp xã HOTICH Hộ tịch"],
            rows.Select(r => string.Join(" ", r.Skip(2))).Order(StringComparer.Ordinal));
        // No code, and nothing of the form "level=commune", in a label column.
        var codes = rows.SelectMany(r => new[] { r[0], r[2], r[4], r[6] }).ToHashSet(StringComparer.Ordinal);
        foreach (var label in rows.SelectMany(r => new[] { r[1], r[3], r[5], r[7] }))
        {
            Assert.DoesNotContain(label, codes);
            Assert.DoesNotMatch("[=_]|^[a-z]+$|month|level|province|sector|commune|district", label);
        }
    }

    [Fact]
    public async Task Every_sheet_is_set_in_Times_New_Roman_12_on_A4_landscape()
    {
        using var workbook = await WriteAsync();

        Assert.Equal(6, workbook.Worksheets.Count);
        foreach (var sheet in workbook.Worksheets)
        {
            Assert.Equal((XLPaperSize.A4Paper, XLPageOrientation.Landscape), (sheet.PageSetup.PaperSize, sheet.PageSetup.PageOrientation));
            Assert.All(sheet.CellsUsed(), c => Assert.Equal("Times New Roman", c.Style.Font.FontName));
        }

        var data = workbook.Worksheet(ProvincesWorkbook.DataSheet);
        Assert.Equal(12, data.Cell(2, 1).Style.Font.FontSize);
        Assert.Equal(12, workbook.Worksheet(ProvincesWorkbook.RankingSheet).Cell(4, 3).Style.Font.FontSize);
        // In the file: no other font anywhere, the Normal style included.
        var fonts = XlsxFonts.Read(await BytesAsync());
        Assert.All(fonts.Names, n => Assert.Equal("Times New Roman", n));
        Assert.Equal(("Times New Roman", 12.0), (fonts.NormalName, fonts.NormalSize));
    }

    private async Task<XLWorkbook> WriteAsync() => new(new MemoryStream(await BytesAsync()));

    private async Task<byte[]> BytesAsync()
    {
        var kpi = new KpiService(scenario.Database.Store, NullLogger<KpiService>.Instance);
        var report = await new ProvincesReportBuilder(kpi, new RankingService(kpi), TimeProvider.System)
            .BuildAsync(Period.Month(2025, 4), 2008, TestContext.Current.CancellationToken);
        using var stream = new MemoryStream();
        ProvincesWorkbook.Write(report, stream);
        return stream.ToArray();
    }
}

using ClosedXML.Excel;
using Microsoft.Extensions.Logging.Abstractions;
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
        // 72 commune DATDAI, 72 commune HOTICH, 80 commune HOTICH; received_new 1 + 8 + 1.
        Assert.Equal(3, table.DataRange.RowCount());
        var receivedNew = table.DataRange.Rows().Sum(r => r.Field("received_new").GetValue<long>());
        Assert.Equal(10, receivedNew);
        Assert.All(table.DataRange.Rows(), r => Assert.Equal("2025-04", r.Field("month").GetString()));
        Assert.All(table.DataRange.Rows(), r => Assert.Equal(XLDataType.Text, r.Field("province").DataType));
    }

    private async Task<XLWorkbook> WriteAsync()
    {
        var kpi = new KpiService(scenario.Database.Store, NullLogger<KpiService>.Instance);
        var report = await new ProvincesReportBuilder(kpi, new RankingService(kpi), TimeProvider.System)
            .BuildAsync(Period.Month(2025, 4), 2008, TestContext.Current.CancellationToken);
        var stream = new MemoryStream();
        ProvincesWorkbook.Write(report, stream);
        stream.Position = 0;
        return new XLWorkbook(stream);
    }
}

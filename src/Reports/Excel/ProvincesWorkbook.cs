using ClosedXML.Excel;
using ReformMetrics.Metrics.Catalogue;
using ReformMetrics.Metrics.Periods;
using ReformMetrics.Metrics.Query;
using ReformMetrics.Metrics.Rankings;

namespace ReformMetrics.Reports.Excel;

/// <summary>What the all-provinces workbook shows: the ranking, the provinces' figures, and the detail rows.</summary>
public sealed record ProvincesReport(Period Period, int Geo, RankingResult Ranking, KpiResult Provinces, KpiResult Detail, DateTimeOffset GeneratedAt);

/// <summary>Builds the all-provinces workbook's data from the metrics layer.</summary>
public sealed class ProvincesReportBuilder(KpiService kpi, RankingService rankings, TimeProvider clock)
{
    public async Task<ProvincesReport> BuildAsync(Period period, int geo, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(period);
        var selection = new Selection { Period = period, Geo = geo };
        var ranking = await rankings.RankAsync(selection, MetricCatalogue.OnTimeRate, Dimension.Province, cancellationToken).ConfigureAwait(false);
        var provinces = await kpi.GetAsync(selection with { GroupBy = [Dimension.Province] }, compare: false, cancellationToken).ConfigureAwait(false);
        var detail = await kpi.GetAsync(
            selection with { GroupBy = [Dimension.Province, Dimension.Level, Dimension.Sector], Grain = TimeGrain.Month }, compare: false, cancellationToken).ConfigureAwait(false);
        return new ProvincesReport(period, geo, ranking, provinces, detail, clock.GetUtcNow());
    }
}

/// <summary>
/// The workbook for all provinces: a ranking sheet (on-time rate, ties sharing a rank, movement since the previous
/// period), one sheet per group of metrics (counts, rates, working days, feedback and tasks) with a row per province, and
/// a flat data sheet (month × province × level ×
/// sector, every count) defined as an Excel table so analysts can pivot it.
/// </summary>
public static class ProvincesWorkbook
{
    public const string RankingSheet = "Xếp hạng";
    public const string DataSheet = "Dữ liệu";

    private static readonly (string Sheet, MetricFamily? Family, MetricUnit? Unit)[] Groups =
    [
        ("Tiếp nhận, giải quyết", MetricFamily.Dossiers, MetricUnit.Count),
        ("Tỷ lệ", MetricFamily.Dossiers, MetricUnit.Rate),
        ("Thời gian giải quyết", MetricFamily.Dossiers, MetricUnit.WorkingDays),
        ("Phản ánh, nhiệm vụ", null, null),
    ];

    public static void Write(ProvincesReport report, Stream output)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var workbook = ReportWorkbook.Create(fontSize: 12);
        Ranking(workbook.Worksheets.Add(RankingSheet), report);
        foreach (var (sheet, family, unit) in Groups)
        {
            var metrics = MetricCatalogue.All.Where(m => family is null ? m.Family != MetricFamily.Dossiers : m.Family == family && m.Unit == unit).ToList();
            ByProvince(workbook.Worksheets.Add(sheet), report, metrics);
        }

        Data(workbook.Worksheets.Add(DataSheet), report);
        ReportWorkbook.Save(workbook, output);
    }

    private static void Ranking(IXLWorksheet sheet, ProvincesReport report)
    {
        Title(sheet, $"XẾP HẠNG CÁC TỈNH, THÀNH PHỐ THEO TỶ LỆ GIẢI QUYẾT ĐÚNG HẠN · {report.Period.Label.ToUpperInvariant()}", report);
        string[] headers = ["Hạng", "Mã", "Tỉnh, thành phố", "Tỷ lệ đúng hạn", "Hạng kỳ trước", "Thay đổi hạng", "Tỷ lệ kỳ trước"];
        Headers(sheet, headers);
        var row = 4;
        foreach (var unit in report.Ranking.Units)
        {
            Put(sheet.Cell(row, 1), unit.Rank);
            CellText.Set(sheet.Cell(row, 2), unit.Code);
            CellText.Set(sheet.Cell(row, 3), unit.Name ?? unit.Code);
            Put(sheet.Cell(row, 4), unit.Value);
            Put(sheet.Cell(row, 5), unit.PreviousRank);
            Put(sheet.Cell(row, 6), unit.Movement);
            Put(sheet.Cell(row, 7), unit.PreviousValue);
            row++;
        }

        sheet.Range(4, 4, Math.Max(row - 1, 4), 4).Style.NumberFormat.Format = "0.00%";
        sheet.Range(4, 7, Math.Max(row - 1, 4), 7).Style.NumberFormat.Format = "0.00%";
        sheet.Range(4, 6, Math.Max(row - 1, 4), 6).Style.NumberFormat.Format = "+0;-0;0";
        Finish(sheet, headers.Length, [8, 8, 30, 16, 14, 14, 16]);
    }

    private static void ByProvince(IXLWorksheet sheet, ProvincesReport report, List<MetricDefinition> metrics)
    {
        Title(sheet, $"{sheet.Name.ToUpperInvariant()} · {report.Period.Label.ToUpperInvariant()}", report);
        Headers(sheet, ["Mã", "Tỉnh, thành phố", .. metrics.Select(m => m.Label)]);
        var row = 4;
        foreach (var group in report.Provinces.Groups)
        {
            CellText.Set(sheet.Cell(row, 1), group.Code(Dimension.Province));
            CellText.Set(sheet.Cell(row, 2), group.Label(Dimension.Province));
            for (var i = 0; i < metrics.Count; i++)
            {
                Put(sheet.Cell(row, 3 + i), group[metrics[i]]);
                sheet.Cell(row, 3 + i).Style.NumberFormat.Format = metrics[i].Unit switch
                {
                    MetricUnit.Rate => "0.00%",
                    MetricUnit.WorkingDays => "#,##0.0",
                    _ => "#,##0",
                };
            }

            row++;
        }

        Finish(sheet, metrics.Count + 2, [8, 28, .. metrics.Select(_ => 14)]);
    }

    /// <summary>The data sheet's columns before the counts: each code (what a pivot or a lookup joins on) beside its
    /// Vietnamese name.</summary>
    private static readonly string[] DataKeyHeaders =
        ["Mã tháng", "Tháng", "Mã tỉnh", "Tỉnh, thành phố", "Mã cấp", "Cấp", "Mã lĩnh vực", "Lĩnh vực"];

    private static void Data(IXLWorksheet sheet, ProvincesReport report)
    {
        var counts = MetricCatalogue.All.Where(m => m.Family == MetricFamily.Dossiers && m.Unit == MetricUnit.Count).ToList();
        var keys = DataKeyHeaders.Length;
        string[] headers = [.. DataKeyHeaders, .. counts.Select(m => m.Label)];
        for (var c = 0; c < headers.Length; c++)
        {
            sheet.Cell(1, c + 1).Value = headers[c];
        }

        var row = 2;
        foreach (var group in report.Detail.Groups)
        {
            string[] cells =
            [
                group.Period.Key, group.Period.Label,
                group.Code(Dimension.Province), group.Name(Dimension.Province) ?? string.Empty,
                group.Code(Dimension.Level), group.Name(Dimension.Level) ?? string.Empty,
                group.Code(Dimension.Sector), group.Name(Dimension.Sector) ?? string.Empty,
            ];
            for (var c = 0; c < cells.Length; c++)
            {
                CellText.Set(sheet.Cell(row, c + 1), cells[c]);
            }

            for (var c = 0; c < counts.Count; c++)
            {
                sheet.Cell(row, keys + c + 1).Value = (long)(group[counts[c]] ?? 0);
            }

            row++;
        }

        // An Excel table (with its own name) is what PivotTable and Power Query pick up directly.
        sheet.Range(1, 1, Math.Max(row - 1, 2), headers.Length).CreateTable("DuLieuHoSo");
        sheet.Range(1, 1, 1, headers.Length).Style.Alignment.WrapText = true;
        sheet.Row(1).Height = 48;
        sheet.SheetView.FreezeRows(1);
        for (var c = 1; c <= headers.Length; c++)
        {
            sheet.Column(c).Width = c switch { 4 or 8 => 28, 2 => 14, <= 8 => 10, _ => 14 };
        }

        ReportWorkbook.PrintOnA4(sheet, XLPageOrientation.Landscape);
        sheet.PageSetup.SetRowsToRepeatAtTop(1, 1);
    }

    private static void Title(IXLWorksheet sheet, string title, ProvincesReport report)
    {
        sheet.Cell(1, 1).Value = title;
        sheet.Cell(1, 1).Style.Font.Bold = true;
        sheet.Cell(1, 1).Style.Font.FontSize = 13;
        sheet.Cell(2, 1).Value = $"Từ ngày {report.Period.Start:dd/MM/yyyy} đến ngày {report.Period.End:dd/MM/yyyy} · địa giới {(report.Geo == 2025 ? "34 tỉnh, thành phố" : "63 tỉnh, thành phố")} · lập ngày {report.GeneratedAt.ToOffset(TimeSpan.FromHours(7)):dd/MM/yyyy}";
        sheet.Cell(2, 1).Style.Font.Italic = true;
    }

    private static void Headers(IXLWorksheet sheet, string[] headers)
    {
        for (var c = 0; c < headers.Length; c++)
        {
            sheet.Cell(3, c + 1).Value = headers[c];
        }

        var range = sheet.Range(3, 1, 3, headers.Length);
        range.Style.Font.Bold = true;
        range.Style.Alignment.WrapText = true;
        range.Style.Alignment.Horizontal = XLAlignmentHorizontalValues.Center;
        range.Style.Fill.BackgroundColor = XLColor.FromHtml("#DDEBF7");
        sheet.Row(3).Height = 45;
    }

    private static void Finish(IXLWorksheet sheet, int columns, IReadOnlyList<int> widths)
    {
        var last = Math.Max(sheet.LastRowUsed()?.RowNumber() ?? 3, 3);
        var table = sheet.Range(3, 1, last, columns);
        table.Style.Border.OutsideBorder = XLBorderStyleValues.Thin;
        table.Style.Border.InsideBorder = XLBorderStyleValues.Thin;
        for (var c = 0; c < widths.Count; c++)
        {
            sheet.Column(c + 1).Width = widths[c];
        }

        sheet.SheetView.Freeze(3, 2);
        ReportWorkbook.PrintOnA4(sheet, XLPageOrientation.Landscape);
        sheet.PageSetup.FitToPages(1, 0);
    }

    // An undefined value (a zero denominator, an unranked unit) is an empty cell, never 0.
    private static void Put(IXLCell cell, double? value)
    {
        if (value is { } v)
        {
            cell.Value = v;
        }
    }

    private static void Put(IXLCell cell, int? value)
    {
        if (value is { } v)
        {
            cell.Value = v;
        }
    }
}

using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using ReformMetrics.Metrics.Query;
using ReformMetrics.Reports;
using ReformMetrics.Reports.Excel;
using ReformMetrics.Reports.OfficialForm;

namespace ReformMetrics.Cli.Verbs;

/// <summary>`reform report --form tthc-results --period P --province C --format xlsx --out FILE`: one report file.
/// Today the official form in Excel; the PDF form and the bulletin come with the rest of the reports issue.</summary>
internal static class ReportVerb
{
    public static Command Create()
    {
        var form = new Option<string>("--form") { Description = "tthc-results (biểu 13 cột) hoặc provinces (bảng tính mọi tỉnh: xếp hạng, chỉ số, dữ liệu)", Required = true };
        var period = new Option<string>("--period") { Description = "2024-09, 2024-Q3, 2024-H1, 2024-9M, 2024 hoặc D..D", Required = true };
        var province = new Option<string?>("--province") { Description = "Mã tỉnh (theo địa giới --geo); bỏ trống: toàn quốc" };
        var format = new Option<string>("--format") { Description = "xlsx", DefaultValueFactory = _ => "xlsx" };
        var output = new Option<string>("--out") { Description = "Tệp ghi ra", Required = true };
        var geo = new Option<string?>("--geo") { Description = "2025 (mặc định) hoặc 2008" };
        var cutoff = new Option<int?>("--cutoff") { Description = "Ngày chốt số liệu (thường 15: từ ngày 15 tháng trước đến ngày 14)" };
        var by = new Option<string>("--by") { Description = "level (theo cấp và lĩnh vực, mặc định) hoặc agency (theo cơ quan)", DefaultValueFactory = _ => "level" };
        var command = new Command("report", "Lập một báo cáo theo biểu mẫu.") { form, period, province, format, output, geo, by, cutoff };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(form) is not ("tthc-results" or "provinces"))
            {
                throw new UsageException($"--form \"{parse.GetValue(form)}\" không hợp lệ hoặc chưa có; hiện có: tthc-results, provinces.");
            }

            if (parse.GetValue(format) is not "xlsx")
            {
                throw new UsageException($"--format \"{parse.GetValue(format)}\": bản PDF chưa được xây dựng ở phiên bản này; dùng xlsx.");
            }

            var layout = parse.GetValue(by) switch
            {
                "level" => FormLayout.LevelAndSector,
                "agency" => FormLayout.Agency,
                var other => throw new UsageException($"--by \"{other}\" không hợp lệ; dùng level hoặc agency."),
            };
            var selection = KpiVerb.Parse(new SelectionParser.Input(Period: parse.GetValue(period), Geo: parse.GetValue(geo)));
            var reportPeriod = selection.Period;
            if (parse.GetValue(cutoff) is { } day)
            {
                try
                {
                    reportPeriod = reportPeriod.WithCutoff(day);
                }
                catch (Metrics.Periods.PeriodException ex)
                {
                    throw new UsageException(ex.Message);
                }
            }

            var path = Path.GetFullPath(parse.GetRequiredValue(output));
            await using var cli = await CliHost.StartAsync(parse, cancellationToken);
            if (parse.GetValue(form) == "provinces")
            {
                var provinces = await cli.Services.GetRequiredService<ProvincesReportBuilder>().BuildAsync(reportPeriod, selection.Geo, cancellationToken);
                await ReportFile.WriteAtomicallyAsync(path, stream => ProvincesWorkbook.Write(provinces, stream));
                ConsoleUi.Success($"Đã ghi {path}: {provinces.Provinces.Groups.Count} tỉnh, thành phố, {provinces.Period.Label}.");
                return ReformCommand.Ok;
            }

            TthcResultsReport report;
            try
            {
                report = await cli.Services.GetRequiredService<TthcResultsBuilder>()
                    .BuildAsync(reportPeriod, selection.Geo, parse.GetValue(province), layout, cancellationToken);
            }
            catch (SelectionException ex)
            {
                throw new UsageException(ex.Message);
            }

            await ReportFile.WriteAtomicallyAsync(path, stream => TthcResultsWorkbook.Write(report, stream));
            ConsoleUi.Success($"Đã ghi {path}: {report.UnitName}, {report.Period.Label}, {report.Rows.Count} dòng.");
            return ReformCommand.Ok;
        });
        return command;
    }
}

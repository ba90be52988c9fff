using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using ReformMetrics.Metrics.Query;
using ReformMetrics.Reports;
using ReformMetrics.Reports.OfficialForm;

namespace ReformMetrics.Cli.Verbs;

/// <summary>`reform report --form tthc-results --period P --province C --format xlsx --out FILE`: one report file.
/// The official form in Excel or PDF, the PDF bulletin, or the all-provinces workbook.</summary>
internal static class ReportVerb
{
    public static Command Create()
    {
        var form = new Option<string>("--form") { Description = "tthc-results (biểu 13 cột, xlsx hoặc pdf), bulletin (bản tin PDF) hoặc provinces (bảng tính mọi tỉnh)", Required = true };
        var period = new Option<string>("--period") { Description = "2024-09, 2024-Q3, 2024-H1, 2024-9M, 2024 hoặc D..D", Required = true };
        var province = new Option<string?>("--province") { Description = "Mã tỉnh (theo địa giới --geo); bỏ trống: toàn quốc" };
        var format = new Option<string?>("--format") { Description = "xlsx hoặc pdf; mặc định: xlsx cho biểu, pdf cho bản tin" };
        var output = new Option<string>("--out") { Description = "Tệp ghi ra", Required = true };
        var geo = new Option<string?>("--geo") { Description = "2025 (mặc định) hoặc 2008" };
        var cutoff = new Option<int?>("--cutoff") { Description = "Ngày chốt số liệu khác ngày 15 (mặc định: từ ngày 15 tháng trước kỳ đến ngày 14 của tháng cuối kỳ)" };
        var calendar = new Option<bool>("--calendar") { Description = "Lấy số liệu theo tháng, quý, năm dương lịch thay cho thời gian chốt số liệu" };
        var by = new Option<string>("--by") { Description = "level (theo cấp và lĩnh vực, mặc định) hoặc agency (theo cơ quan)", DefaultValueFactory = _ => "level" };
        var command = new Command("report", "Lập một báo cáo theo biểu mẫu.") { form, period, province, format, output, geo, by, cutoff, calendar };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var formName = parse.GetRequiredValue(form);
            if (ReportRequest.Problem(formName, parse.GetValue(format)) is { } problem)
            {
                throw new UsageException($"--form/--format: {problem}");
            }

            var layout = parse.GetValue(by) switch
            {
                "level" => FormLayout.LevelAndSector,
                "agency" => FormLayout.Agency,
                var other => throw new UsageException($"--by \"{other}\" không hợp lệ; dùng level hoặc agency."),
            };
            var selection = KpiVerb.Parse(new SelectionParser.Input(Period: parse.GetValue(period), Geo: parse.GetValue(geo), Provinces: parse.GetValue(province) is { } code ? [code] : null));
            Metrics.Periods.Period reportPeriod;
            try
            {
                reportPeriod = ReportingWindow.For(selection.Period, parse.GetValue(calendar), parse.GetValue(cutoff));
            }
            catch (Metrics.Periods.PeriodException ex)
            {
                throw new UsageException(ex.Message);
            }

            var request = new ReportRequest(formName, parse.GetValue(format) ?? ReportRequest.Formats[formName][0], reportPeriod, selection.Geo, selection.Provinces.Count > 0 ? selection.Provinces[0] : null, layout);
            var path = Path.GetFullPath(parse.GetRequiredValue(output));
            await using var cli = await CliHost.StartAsync(parse, cancellationToken);
            try
            {
                var written = await cli.Services.GetRequiredService<ReportGenerator>().WriteAsync(request, path, cancellationToken);
                ConsoleUi.Success($"Đã ghi {path}: {written}.");
            }
            catch (SelectionException ex)
            {
                throw new UsageException(ex.Message);
            }

            return ReformCommand.Ok;
        });
        return command;
    }
}

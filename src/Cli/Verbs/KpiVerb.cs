using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ReformMetrics.Metrics.Catalogue;
using ReformMetrics.Metrics.Periods;
using ReformMetrics.Metrics.Query;
using ReformMetrics.Metrics.Targets;
using Spectre.Console;

namespace ReformMetrics.Cli.Verbs;

/// <summary>`reform kpi`: the metric catalogue for a selection, as a table or (--json) an array of objects with the
/// group keys and every metric key (design.md).</summary>
internal static class KpiVerb
{
    private static readonly string[] Headline =
        ["received_total", "resolved_total", "on_time_rate", "in_progress_overdue", "on_time_rate_766", "online_share", "online_payment_share", "satisfaction_index"];

    public static Command Create()
    {
        var from = new Option<string?>("--from") { Description = "Ngày đầu (yyyy-MM-dd)" };
        var to = new Option<string?>("--to") { Description = "Ngày cuối (yyyy-MM-dd)" };
        var period = new Option<string?>("--period") { Description = "Kỳ thay cho --from/--to: 2024-09, 2024-Q3, 2024-H1, 2024-9M, 2024, 2024-YTD" };
        var province = List("--province", "Mã tỉnh (đọc theo địa giới --geo); nhiều mã cách nhau bằng dấu phẩy");
        var sector = List("--sector", "Mã lĩnh vực");
        var level = List("--level", "Cấp: province, district, commune");
        var agency = List("--agency", "Mã cơ quan");
        var procedure = List("--procedure", "Mã thủ tục");
        var channel = List("--channel", "Kênh nộp: direct, online, postal");
        var by = List("--by", "Nhóm theo: province, sector, agency, level, procedure, channel, month, quarter");
        var geo = new Option<string?>("--geo") { Description = "Địa giới: 2025 (34 tỉnh, mặc định) hoặc 2008 (63 tỉnh)" };
        var json = new Option<bool>("--json") { Description = "In JSON (mảng đối tượng: khoá nhóm và mọi chỉ số)" };
        var compare = new Option<bool>("--compare") { Description = "So sánh với kỳ trước và cùng kỳ năm trước" };
        var showSql = new Option<bool>("--show-sql") { Description = "In câu SQL tính các chỉ số hồ sơ (với tham số) thay vì chạy" };
        var source = new Option<string?>("--source") { Description = "auto, monthly, daily, state, live", Hidden = true };
        var command = new Command("kpi", "Các chỉ số của một lựa chọn (kỳ, địa bàn, lĩnh vực...).")
        {
            from, to, period, province, sector, level, agency, procedure, channel, by, geo, json, compare, source, showSql,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var selection = Parse(new SelectionParser.Input(
                parse.GetValue(from), parse.GetValue(to), parse.GetValue(period), parse.GetValue(geo), parse.GetValue(by),
                parse.GetValue(province), parse.GetValue(sector), parse.GetValue(level), parse.GetValue(agency), parse.GetValue(procedure),
                parse.GetValue(channel), parse.GetValue(source)));
            if (parse.GetValue(showSql))
            {
                var (sql, parameters) = KpiService.DossierSql(selection);
                foreach (var (name, value) in parameters)
                {
                    Console.Out.WriteLine($"-- @{name} = [{string.Join(", ", ((System.Collections.IEnumerable)value).Cast<object>())}]");
                }

                Console.Out.WriteLine(sql);
                return ReformCommand.Ok;
            }

            await using var cli = await CliHost.StartAsync(parse, cancellationToken);
            KpiResult result;
            try
            {
                result = await cli.Services.GetRequiredService<KpiService>().GetAsync(selection, parse.GetValue(compare), cancellationToken);
            }
            catch (SelectionException ex)
            {
                throw new UsageException(ex.Message);
            }

            var targets = await cli.Services.GetRequiredService<TargetService>().LoadAsync(selection.Period.End.Year, cancellationToken);
            if (parse.GetValue(json))
            {
                // The same document as GET /api/kpi with the same parameters.
                Console.Out.WriteLine(JsonSerializer.Serialize(Dashboard.Api.KpiDocument.Build(selection, result, targets), Dashboard.Api.KpiDocument.Json));
            }
            else
            {
                Print(result, targets);
            }

            return ReformCommand.Ok;
        });
        return command;
    }

    /// <summary>The demo's closing summary: the national figures of the last full year and the provinces of the last quarter.</summary>
    public static async Task PrintDemoAsync(CliHost cli, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var kpi = cli.Services.GetRequiredService<KpiService>();
        var year = to.Month == 12 && to.Day == 31 ? to.Year : to.Year - 1;
        var national = await kpi.GetAsync(new Selection { Period = Period.Year(Math.Max(year, from.Year)) }, compare: true, cancellationToken);
        Print(national, await cli.Services.GetRequiredService<TargetService>().LoadAsync(national.Selection.Period.End.Year, cancellationToken));
        var lastQuarter = Period.LastFullQuarter(to);
        Print(await kpi.GetAsync(new Selection { Period = lastQuarter, GroupBy = [Dimension.Province] }, compare: false, cancellationToken));
    }

    public static Selection Parse(SelectionParser.Input input)
    {
        try
        {
            return SelectionParser.Parse(input, SelectionParser.TodayInVietnam(TimeProvider.System));
        }
        catch (SelectionException ex)
        {
            throw new UsageException(ex.Message);
        }
    }

    private static void Print(KpiResult result, TargetService.TargetBook? targets = null)
    {
        var selection = result.Selection;
        ConsoleUi.Out.MarkupLineInterpolated($"[bold]{selection.Period.Label}[/] · địa giới {selection.Geo} · nguồn {result.Source}");
        if (selection.GroupBy.Count == 0 && selection.Grain == TimeGrain.None)
        {
            var group = result.Groups.Single();
            var table = new Table().Border(TableBorder.Rounded).AddColumn("Chỉ số").AddColumn("Khoá").AddColumn(new TableColumn("Giá trị").RightAligned());
            if (group.Previous is not null)
            {
                table.AddColumn(new TableColumn("Kỳ trước").RightAligned()).AddColumn(new TableColumn("Thay đổi").RightAligned())
                    .AddColumn(new TableColumn("Cùng kỳ năm trước").RightAligned()).AddColumn(new TableColumn("Thay đổi").RightAligned());
            }

            if (targets is not null)
            {
                table.AddColumn("Chỉ tiêu");
            }

            foreach (var metric in MetricCatalogue.All)
            {
                var cells = new List<string> { metric.Label, metric.Key, MetricFormat.Value(metric, group.Values[metric.Key]) };
                if (group.Previous is not null)
                {
                    cells.Add(MetricFormat.Value(metric, group.Previous[metric.Key]));
                    cells.Add(MetricFormat.Change(metric, group.ChangeFromPrevious![metric.Key]));
                    cells.Add(MetricFormat.Value(metric, group.YearAgo![metric.Key]));
                    cells.Add(MetricFormat.Change(metric, group.ChangeFromYearAgo![metric.Key]));
                }

                if (targets is not null)
                {
                    var province = selection.Provinces.Count == 1 ? selection.Provinces[0] : null;
                    cells.Add(targets.For(metric.Key, selection.Geo, province, selection.Sectors, group.Values[metric.Key]) is { } check
                        ? $"{MetricFormat.Value(metric, check.Target)}: {check.Met switch { true => "đạt", false => "chưa đạt", null => "—" }}"
                        : string.Empty);
                }

                table.AddRow(cells.Select(c => new Text(c)).ToArray());
            }

            ConsoleUi.Out.Write(table);
            return;
        }

        var grouped = new Table().Border(TableBorder.Rounded);
        var keyColumns = selection.GroupBy.Select(Selection.KeyName).ToList();
        foreach (var key in keyColumns)
        {
            grouped.AddColumn(key);
        }

        if (selection.Grain != TimeGrain.None)
        {
            grouped.AddColumn("Kỳ");
        }

        var headline = Headline.Select(MetricCatalogue.Get).ToList();
        foreach (var metric in headline)
        {
            grouped.AddColumn(new TableColumn(metric.Label).RightAligned());
        }

        foreach (var group in result.Groups)
        {
            var cells = keyColumns.Select(k => group.Keys.TryGetValue(k + "_name", out var name) ? $"{group.Keys[k]} {name}" : group.Keys[k]).ToList();
            if (selection.Grain != TimeGrain.None)
            {
                cells.Add(group.Period.Key);
            }

            cells.AddRange(headline.Select(m => MetricFormat.Value(m, group.Values[m.Key])));
            grouped.AddRow(cells.Select(c => new Text(c)).ToArray());
        }

        ConsoleUi.Out.Write(grouped);
    }

    private static Option<string[]> List(string name, string description) =>
        new(name) { Description = description, AllowMultipleArgumentsPerToken = true };
}

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
    public static Command Create()
    {
        // Each option is a word of the selection (--province is the API's province=), read back by the same binder.
        var words = new Dictionary<string, Option>(StringComparer.Ordinal)
        {
            [SelectionWords.From] = new Option<string?>("--" + SelectionWords.From) { Description = "Ngày đầu (yyyy-MM-dd)" },
            [SelectionWords.To] = new Option<string?>("--" + SelectionWords.To) { Description = "Ngày cuối (yyyy-MM-dd)" },
            [SelectionWords.Period] = new Option<string?>("--" + SelectionWords.Period) { Description = "Kỳ thay cho --from/--to: 2024-09, 2024-Q3, 2024-H1, 2024-9M, 2024, 2024-YTD" },
            [SelectionWords.Province] = List(SelectionWords.Province, "Mã tỉnh (đọc theo địa giới --geo); nhiều mã cách nhau bằng dấu phẩy"),
            [SelectionWords.Sector] = List(SelectionWords.Sector, "Mã lĩnh vực"),
            [SelectionWords.Level] = List(SelectionWords.Level, "Cấp: province, district, commune"),
            [SelectionWords.Agency] = List(SelectionWords.Agency, "Mã cơ quan"),
            [SelectionWords.Procedure] = List(SelectionWords.Procedure, "Mã thủ tục"),
            [SelectionWords.Channel] = List(SelectionWords.Channel, "Kênh nộp: direct, online, postal"),
            [SelectionWords.By] = List(SelectionWords.By, "Nhóm theo: province, sector, agency, level, procedure, channel, month, quarter"),
            [SelectionWords.Geo] = new Option<string?>("--" + SelectionWords.Geo) { Description = "Địa giới: 2025 (34 tỉnh, mặc định) hoặc 2008 (63 tỉnh)" },
            [SelectionWords.Source] = new Option<string?>("--" + SelectionWords.Source) { Description = "auto, monthly, daily, state, live", Hidden = true },
        };
        var json = new Option<bool>("--json") { Description = "In JSON (mảng đối tượng: khoá nhóm và mọi chỉ số, đủ độ chính xác)" };
        var compare = new Option<bool>("--" + SelectionWords.Compare) { Description = "So sánh với kỳ trước và cùng kỳ năm trước" };
        var preset = new Option<string>("--preset")
        {
            Description = $"Các chỉ số của bảng khi nhóm: {string.Join(", ", MetricPresets.All.Select(p => p.Name))}",
            DefaultValueFactory = _ => MetricPresets.Headline.Name,
        };
        var showSql = new Option<bool>("--show-sql") { Description = "In câu SQL tính các chỉ số hồ sơ (với tham số) thay vì chạy" };
        var command = new Command("kpi", "Các chỉ số của một lựa chọn (kỳ, địa bàn, lĩnh vực...).") { json, compare, preset, showSql };
        foreach (var option in words.Values)
        {
            command.Add(option);
        }

        command.SetAction(async (parse, cancellationToken) =>
        {
            var selection = Parse(Read(parse, words));
            var columns = MetricPresets.All.FirstOrDefault(p => p.Name == parse.GetValue(preset))
                ?? throw new UsageException($"--preset \"{parse.GetValue(preset)}\" không có; dùng {string.Join(", ", MetricPresets.All.Select(p => p.Name))}.");
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
                Console.Out.WriteLine(JsonSerializer.Serialize(KpiDocument.Build(selection, result, targets), KpiDocument.Json));
            }
            else
            {
                Print(result, targets, columns);
            }

            return ReformCommand.Ok;
        });
        return command;
    }

    /// <summary>The selection's words from the command line, for <see cref="SelectionParser.Input.Read"/>.</summary>
    private static SelectionParser.Input Read(ParseResult parse, Dictionary<string, Option> words)
    {
        try
        {
            return SelectionParser.Input.Read(word => words.TryGetValue(word, out var option)
                ? option switch
                {
                    Option<string?> one => parse.GetValue(one) is { } value ? [value] : [],
                    Option<string[]> many => parse.GetValue(many) ?? [],
                    _ => [],
                }
                : []);
        }
        catch (SelectionException ex)
        {
            throw new UsageException("--" + ex.Message);
        }
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

    private static void Print(KpiResult result, TargetService.TargetBook? targets = null, MetricPreset? columns = null)
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
                var cells = new List<string> { metric.Label, metric.Key, MetricFormat.Value(metric, group[metric]) };
                if (group.Previous is not null)
                {
                    cells.Add(MetricFormat.Value(metric, group.Previous[metric]));
                    cells.Add(MetricFormat.Change(metric, group.ChangeFromPrevious(metric)!.Value));
                    cells.Add(MetricFormat.Value(metric, group.YearAgo?[metric]));
                    cells.Add(MetricFormat.Change(metric, group.ChangeFromYearAgo(metric) ?? default));
                }

                if (targets is not null)
                {
                    var province = selection.Provinces.Count == 1 ? selection.Provinces[0] : null;
                    cells.Add(targets.For(metric, selection.Geo, province, selection.Sectors, group[metric]) is { } check
                        ? $"{MetricFormat.Value(metric, check.Target)}: {check.Met switch { true => "đạt", false => "chưa đạt", null => "—" }}"
                        : string.Empty);
                }

                table.AddRow(cells.Select(c => new Text(c)).ToArray());
            }

            ConsoleUi.Out.Write(table);
            return;
        }

        var grouped = new Table().Border(TableBorder.Rounded);
        foreach (var dimension in selection.GroupBy)
        {
            grouped.AddColumn(Selection.KeyName(dimension));
        }

        if (selection.Grain != TimeGrain.None)
        {
            grouped.AddColumn("Kỳ");
        }

        var headline = (columns ?? MetricPresets.Headline).Metrics;
        foreach (var metric in headline)
        {
            grouped.AddColumn(new TableColumn(metric.Label).RightAligned());
        }

        foreach (var group in result.Groups)
        {
            var cells = group.Keys.Select(k => k.Name is { } name ? $"{k.Code} {name}" : k.Code).ToList();
            if (selection.Grain != TimeGrain.None)
            {
                cells.Add(group.Period.Key);
            }

            cells.AddRange(headline.Select(m => MetricFormat.Value(m, group[m])));
            grouped.AddRow(cells.Select(c => new Text(c)).ToArray());
        }

        ConsoleUi.Out.Write(grouped);
    }

    private static Option<string[]> List(string word, string description) =>
        new("--" + word) { Description = description, AllowMultipleArgumentsPerToken = true };
}

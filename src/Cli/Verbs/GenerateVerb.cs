using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using ReformMetrics.Metrics.Query;
using ReformMetrics.Synthetic;
using Spectre.Console;

namespace ReformMetrics.Cli.Verbs;

/// <summary>`reform generate`: writes synthetic dossier event files (and the feedback, task, target and agency files)
/// for every province, deterministic for a seed. Needs no store.</summary>
internal static class GenerateVerb
{
    public static Command Create()
    {
        var dossiers = new Option<long>("--dossiers") { Description = "Số hồ sơ", Required = true };
        var from = new Option<string>("--from") { Description = "Ngày đầu (yyyy-MM-dd)", Required = true };
        var to = new Option<string>("--to") { Description = "Ngày cuối (yyyy-MM-dd), không sau hôm nay", Required = true };
        var seed = new Option<ulong>("--seed") { Description = "Hạt giống ngẫu nhiên: cùng hạt giống, cùng tệp", DefaultValueFactory = _ => 1 };
        var output = new Option<string>("--out") { Description = "Thư mục ghi tệp", Required = true };
        var format = new Option<string>("--format") { Description = "csv hoặc ndjson", DefaultValueFactory = _ => "csv" };
        var noise = new Option<string>("--noise") { Description = "Tỉ lệ hồ sơ có sự kiện trùng, đến muộn, sai thứ tự hoặc dòng lỗi (0 đến 0.5)", DefaultValueFactory = _ => "0" };
        var command = new Command("generate", "Sinh dữ liệu sự kiện hồ sơ mẫu cho mọi tỉnh, thành phố.") { dossiers, from, to, seed, output, format, noise };
        command.SetAction((parse, cancellationToken) =>
        {
            var options = Options(parse.GetValue(dossiers), parse.GetRequiredValue(from), parse.GetRequiredValue(to), parse.GetValue(seed),
                parse.GetRequiredValue(output), parse.GetValue(format) ?? "csv", Rate(parse.GetValue(noise) ?? "0"));
            var result = Run(options, cancellationToken);
            PrintSummary(options, result.Result, result.Seconds);
            return Task.FromResult(ReformCommand.Ok);
        });
        return command;
    }

    public static GeneratorOptions Options(long dossiers, string from, string to, ulong seed, string output, string format, double noise)
    {
        var first = Date("--from", from);
        var last = Date("--to", to);
        var today = SelectionParser.TodayInVietnam(TimeProvider.System);
        if (dossiers is < 1 or > 1_000_000_000)
        {
            throw new UsageException("--dossiers phải từ 1 đến 1.000.000.000.");
        }

        if (first < new DateOnly(2015, 1, 1) || last < first)
        {
            throw new UsageException($"Khoảng ngày không hợp lệ: --from {first:dd/MM/yyyy} phải từ 01/01/2015 và không sau --to {last:dd/MM/yyyy}.");
        }

        if (last > today)
        {
            throw new UsageException($"--to {last:dd/MM/yyyy} ở tương lai: sự kiện sau ngày mai bị từ chối khi nạp. Dùng một ngày đến hôm nay ({today:dd/MM/yyyy}).");
        }

        if (format is not ("csv" or "ndjson"))
        {
            throw new UsageException($"--format \"{format}\" không hợp lệ; dùng csv hoặc ndjson.");
        }

        if (noise is < 0 or > 0.5 || double.IsNaN(noise))
        {
            throw new UsageException("--noise phải từ 0 đến 0.5.");
        }

        return new GeneratorOptions(dossiers, first, last, seed, Path.GetFullPath(output), format == "ndjson", noise);
    }

    public static (GeneratorResult Result, double Seconds) Run(GeneratorOptions options, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        GeneratorResult? result = null;
        ConsoleUi.Error.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask("Sinh hồ sơ", maxValue: options.Dossiers);
                var progress = new SynchronousProgress<GeneratorProgress>(p =>
                {
                    task.Value = p.Dossiers;
                    task.Description = Markup.Escape($"Tháng {p.Month}: {p.Dossiers:N0} hồ sơ, {p.Rows:N0} dòng, {p.Rows / Math.Max(clock.Elapsed.TotalSeconds, 0.001):N0} dòng/giây");
                });
                result = new DossierGenerator().Generate(options, progress, cancellationToken);
                task.Value = task.MaxValue;
            });
        return (result!, clock.Elapsed.TotalSeconds);
    }

    private static void PrintSummary(GeneratorOptions options, GeneratorResult r, double seconds)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumn("Nội dung").AddColumn(new TableColumn("Số lượng").RightAligned());
        table.AddRow("Hồ sơ", $"{r.Dossiers:N0}");
        table.AddRow("Sự kiện hợp lệ", $"{r.Events:N0}");
        table.AddRow("Dòng trùng lặp (nhiễu)", $"{r.DuplicateRows:N0}");
        table.AddRow("Dòng lỗi (nhiễu)", $"{r.MalformedRows:N0}");
        table.AddRow("Tệp sự kiện", $"{r.Files.Count:N0}");
        table.AddRow("Cơ quan / phản ánh / nhiệm vụ / chỉ tiêu", $"{r.Agencies:N0} / {r.Feedback:N0} / {r.Tasks:N0} / {r.Targets:N0}");
        ConsoleUi.Out.Write(table);
        ConsoleUi.Info($"Đã ghi vào {options.OutputDirectory} trong {seconds:N1} giây ({r.Dossiers / Math.Max(seconds, 0.001):N0} hồ sơ/giây).");
    }

    // A rate is written with a decimal point whatever the culture (0.02); a comma (0,02) is read the same way.
    private static double Rate(string text) =>
        double.TryParse(text.Replace(',', '.'), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var rate)
            ? rate
            : throw new UsageException($"--noise \"{text}\" không phải một tỉ lệ (ví dụ 0.02).");

    private static DateOnly Date(string option, string text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day
            : throw new UsageException($"{option} \"{text}\" không phải ngày dạng yyyy-MM-dd.");
}

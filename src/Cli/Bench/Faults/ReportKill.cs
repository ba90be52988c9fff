using System.Diagnostics;
using System.IO.Compression;
using ReformMetrics.Cli.Bench.Campaign;
using Spectre.Console;

namespace ReformMetrics.Cli.Bench.Faults;

/// <summary>
/// `reform report ... --out FILE` killed with SIGKILL while it writes (the moment a file appears in the output folder):
/// no half file may stand under the report's name. Tried on the bulletin (PDF) and the all-provinces workbook (Excel),
/// the two slowest; temporary files left behind by the killed process are counted and shown.
/// </summary>
internal sealed class ReportKill : IFaultScenario
{
    public const string Name = "report-kill";

    public string Id => Name;

    public async Task<IReadOnlyList<Criterion>> RunAsync(FaultContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var criteria = new List<Criterion>();
        foreach (var (form, format) in new[] { ("bulletin", "pdf"), ("provinces", "xlsx") })
        {
            var folder = Path.Combine(context.Target.WorkDirectory, $"report-kill-{form}");
            Directory.CreateDirectory(folder);
            var output = Path.Combine(folder, $"{form}.{format}");
            var log = Path.Combine(context.Target.WorkDirectory, $"report-kill-{form}.log");
            using var report = context.Target.Start(["report", "--form", form, "--format", format, "--period", context.Facts.Periods[1], "--out", output], log);
            var watch = Stopwatch.StartNew();
            while (!report.HasExited && Directory.GetFiles(folder).Length == 0 && watch.Elapsed < TimeSpan.FromMinutes(5))
            {
                await Task.Delay(10, cancellationToken);
            }

            var killed = !report.HasExited;
            if (killed)
            {
                Signals.Kill(report.Id);
            }

            await report.WaitForExitAsync(cancellationToken);
            var files = Directory.GetFiles(folder).Select(Path.GetFileName).ToList();
            var half = File.Exists(output) && !IsComplete(output);
            ConsoleUi.Out.WriteLine($"[{Name}] reform report --form {form} {(killed ? $"bị dừng bằng SIGKILL sau {watch.Elapsed.TotalSeconds:N1} giây, khi đang ghi" : "đã xong trước khi kịp dừng")}; "
                + $"thư mục còn: {(files.Count == 0 ? "không có tệp nào" : string.Join(", ", files))}.");
            criteria.Add(Criterion.Check($"{Name}: {form}.{format} bị dừng giữa lúc ghi", "có", killed ? "có" : "không (báo cáo xong quá nhanh)", killed));
            criteria.Add(Criterion.Check($"{Name}: không có tệp {form}.{format} dở dang", "0",
                half ? "có tệp dở dang mang tên báo cáo" : $"0 (tệp tạm còn lại: {files.Count(f => f!.EndsWith(".tmp", StringComparison.Ordinal))})", !half));
        }

        return criteria;
    }

    /// <summary>True when a report file is whole: a PDF ends with %%EOF, an Excel workbook is a zip that opens and lists its parts.</summary>
    public static bool IsComplete(string path)
    {
        try
        {
            if (path.EndsWith(".pdf", StringComparison.OrdinalIgnoreCase))
            {
                var bytes = File.ReadAllBytes(path);
                var tail = System.Text.Encoding.ASCII.GetString(bytes, Math.Max(0, bytes.Length - 64), Math.Min(64, bytes.Length));
                return bytes.AsSpan().StartsWith("%PDF"u8) && tail.Contains("%%EOF", StringComparison.Ordinal);
            }

            using var zip = ZipFile.OpenRead(path);
            return zip.GetEntry("[Content_Types].xml") is not null;
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}

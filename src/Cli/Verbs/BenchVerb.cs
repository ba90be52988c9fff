using System.CommandLine;
using ReformMetrics.Cli.Bench;

namespace ReformMetrics.Cli.Verbs;

/// <summary>`reform bench NAME`: runs a benchmark and prints its figures against a baseline measured in the same run.</summary>
internal static class BenchVerb
{
    public static Command Create()
    {
        var rows = new Option<long>("--rows") { Description = "Số sự kiện (mặc định 2.000.000)", DefaultValueFactory = _ => 2_000_000 };
        var ingest = new Command("ingest", "Tốc độ nạp so với lệnh INSERT CSV của chính ClickHouse trên cùng tệp; bộ nhớ đỉnh.") { rows };
        ingest.SetAction(async (parse, cancellationToken) =>
        {
            var count = parse.GetValue(rows);
            if (count <= 0)
            {
                throw new UsageException("--rows phải lớn hơn 0.");
            }

            await using var cli = await CliHost.StartAsync(parse, cancellationToken);
            return await IngestBenchmark.RunAsync(cli, count, cancellationToken);
        });
        return new Command("bench", "Chạy một phép đo hiệu năng.") { ingest };
    }
}

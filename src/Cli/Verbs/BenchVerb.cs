using System.CommandLine;
using ReformMetrics.Cli.Bench;
using ReformMetrics.Cli.Bench.Faults;
using ReformMetrics.Cli.Bench.Hostile;
using ReformMetrics.Cli.Bench.Load;
using ReformMetrics.Metrics.Periods;
using ReformMetrics.Metrics.Query;

namespace ReformMetrics.Cli.Verbs;

/// <summary>`reform bench NAME`: runs a benchmark and prints its figures against a baseline measured in the same run.</summary>
internal static class BenchVerb
{
    public static Command Create()
    {
        var rows = new Option<long>("--rows") { Description = "Số sự kiện (mặc định 2.000.000)", DefaultValueFactory = _ => 2_000_000 };
        var rounds = new Option<int>("--rounds") { Description = "Số lượt đo xen kẽ, lấy trung vị (mặc định 5)", DefaultValueFactory = _ => 5 };
        var folderDossiers = new Option<long?>("--dossiers")
        {
            Description = "Đo nạp cả thư mục: số hồ sơ của bộ tệp sinh như reform generate (một tệp mỗi tỉnh, mỗi tháng), so với INSERT CSV của cùng sự kiện trong một tệp",
        };
        var folderFrom = new Option<string>("--from") { Description = "Ngày đầu của bộ tệp (yyyy-MM-dd, mặc định 2025-01-01)", DefaultValueFactory = _ => "2025-01-01" };
        var folderTo = new Option<string?>("--to") { Description = "Ngày cuối của bộ tệp (yyyy-MM-dd, mặc định hôm qua)" };
        var parallel = new Option<int?>("--parallel") { Description = "Chuyển cho reform ingest: số tệp nạp cùng lúc" };
        var otherBuild = new Option<string?>("--reform") { Description = "reform của một bản dựng khác để đo phần nạp (so sánh hai bản dựng)", Hidden = true };
        var ingest = new Command("ingest", "Tốc độ nạp so với lệnh INSERT CSV của chính ClickHouse trên cùng sự kiện; bộ nhớ đỉnh.")
        {
            rows, rounds, folderDossiers, folderFrom, folderTo, parallel, otherBuild,
        };
        ingest.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(folderDossiers) is { } folder)
            {
                if (parse.GetValue(rounds) is < 1 or > 20)
                {
                    throw new UsageException("--rounds phải từ 1 đến 20.");
                }

                var yesterday = SelectionParser.TodayInVietnam(TimeProvider.System).AddDays(-1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
                var generator = GenerateVerb.Options(folder, parse.GetValue(folderFrom) ?? "2025-01-01", parse.GetValue(folderTo) ?? yesterday, 1, ".", "csv", 0);
                await using var folderCli = await CliHost.StartAsync(parse, cancellationToken);
                return await IngestBenchmark.RunFolderAsync(
                    folderCli, folder, generator.From, generator.To, parse.GetValue(rounds), parse.GetValue(parallel), parse.GetValue(otherBuild), cancellationToken);
            }

            var count = parse.GetValue(rows);
            if (count <= 0)
            {
                throw new UsageException("--rows phải lớn hơn 0.");
            }

            if (parse.GetValue(rounds) is < 1 or > 20)
            {
                throw new UsageException("--rounds phải từ 1 đến 20.");
            }

            await using var cli = await CliHost.StartAsync(parse, cancellationToken);
            return await IngestBenchmark.RunAsync(cli, count, parse.GetValue(rounds), cancellationToken);
        });
        var year = new Option<int?>("--year") { Description = "Năm của truy vấn tổng quan (mặc định năm trước năm mới nhất có dữ liệu)" };
        var queries = new Option<int>("--queries") { Description = "Số truy vấn tổng quan mỗi phép đo (mặc định 200)", DefaultValueFactory = _ => 200 };
        var rawRuns = new Option<int>("--raw-runs") { Description = "Số lần tính từ sự kiện gốc (mặc định 3)", DefaultValueFactory = _ => 3 };
        var clients = new Option<string>("--clients") { Description = "Số luồng đồng thời, cách nhau bằng dấu phẩy (mặc định 1,16)", DefaultValueFactory = _ => "1,16" };
        var rawClients = new Option<int>("--raw-clients") { Description = "Số luồng khi tính từ sự kiện gốc (mặc định 1)", DefaultValueFactory = _ => 1 };
        var kpi = new Command("kpi", "Truy vấn tổng quan từ bảng tổng hợp so với tính từ sự kiện gốc: p50, p95 với 1 và 16 luồng.")
        {
            year, queries, rawRuns, clients, rawClients,
        };
        kpi.SetAction(async (parse, cancellationToken) =>
        {
            var counts = (parse.GetValue(clients) ?? "1,16").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(c => int.TryParse(c, out var n) && n is >= 1 and <= 256 ? n : throw new UsageException($"--clients \"{c}\" không hợp lệ (1 đến 256)."))
                .ToArray();
            if (counts.Length == 0 || parse.GetValue(queries) < 1 || parse.GetValue(rawRuns) < 1 || parse.GetValue(rawClients) is < 1 or > 256)
            {
                throw new UsageException("--clients, --queries, --raw-runs và --raw-clients phải lớn hơn 0.");
            }

            await using var cli = await CliHost.StartAsync(parse, cancellationToken);
            return await KpiBenchmark.RunAsync(cli, parse.GetValue(year), parse.GetValue(queries), parse.GetValue(rawRuns), counts, parse.GetValue(rawClients), cancellationToken);
        });
        var month = new Option<string?>("--period") { Description = "Tháng của bộ báo cáo (mặc định tháng trọn vẹn gần nhất)" };
        var reports = new Command("reports", "Bộ báo cáo tháng của 34 tỉnh, thành phố: tổng thời gian và thời gian mỗi tệp.") { month };
        reports.SetAction(async (parse, cancellationToken) =>
        {
            var period = PeriodOrLastMonth(parse.GetValue(month));

            await using var cli = await CliHost.StartAsync(parse, cancellationToken);
            return await ReportsBenchmark.RunAsync(cli, period, cancellationToken);
        });
        var dashboardPeriod = new Option<string?>("--period") { Description = "Kỳ của trang tổng quan (mặc định tháng trọn vẹn gần nhất)" };
        var requests = new Option<int>("--requests") { Description = "Số lần lấy dữ liệu mỗi loại (mặc định 30)", DefaultValueFactory = _ => 30 };
        var dashboard = new Command("dashboard", "Dữ liệu trang tổng quan: p50, p95 khi chưa có và khi đã có bộ nhớ đệm.") { dashboardPeriod, requests };
        dashboard.SetAction(async (parse, cancellationToken) =>
        {
            var period = PeriodOrLastMonth(parse.GetValue(dashboardPeriod));

            if (parse.GetValue(requests) is < 1 or > 10_000)
            {
                throw new UsageException("--requests phải từ 1 đến 10.000.");
            }

            await using var cli = await CliHost.StartAsync(parse, cancellationToken);
            return await DashboardBenchmark.RunAsync(cli, period, parse.GetValue(requests), cancellationToken);
        });
        return new Command("bench", "Chạy một phép đo hiệu năng hoặc một chiến dịch an ninh (load, faults, hostile).")
        {
            ingest, kpi, reports, dashboard, PagesCommand(), RefreshCommand(), Bench.Feed.FeedCommand.Create(), LoadCommand.Create(), FaultsCommand.Create(), HostileCommand.Create(),
        };
    }

    private static Command PagesCommand()
    {
        var period = new Option<string?>("--period") { Description = "Kỳ của các trang (mặc định năm trước năm hiện tại)" };
        var requests = new Option<int>("--requests") { Description = "Số lần lấy dữ liệu mỗi trang và mỗi số luồng (mặc định 48)", DefaultValueFactory = _ => 48 };
        var clients = new Option<string>("--clients") { Description = "Số luồng đồng thời, cách nhau bằng dấu phẩy (mặc định 1,16)", DefaultValueFactory = _ => "1,16" };
        var before = new Option<bool>("--before") { Description = "Đo thêm các câu hỏi của các trang trước issue 20 (mọi chỉ số, lần lượt từng câu)" };
        var command = new Command("pages", "Dữ liệu trang tổng quan và trang tỉnh, không dùng bộ nhớ đệm câu trả lời: p50, p95, p99 với 1 và 16 luồng, so với SELECT 1.")
        {
            period, requests, clients, before,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var counts = (parse.GetValue(clients) ?? "1,16").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(c => int.TryParse(c, out var n) && n is >= 1 and <= 256 ? n : throw new UsageException($"--clients \"{c}\" không hợp lệ (1 đến 256)."))
                .ToArray();
            if (counts.Length == 0 || parse.GetValue(requests) is < 1 or > 10_000)
            {
                throw new UsageException("--clients cần ít nhất một số; --requests phải từ 1 đến 10.000.");
            }

            var today = SelectionParser.TodayInVietnam(TimeProvider.System);
            var text = parse.GetValue(period);
            Period chosen;
            try
            {
                chosen = text is not null ? Period.Parse(text, today) : Period.Year(today.Year - 1);
            }
            catch (PeriodException e)
            {
                throw new UsageException(e.Message);
            }

            await using var cli = await CliHost.StartAsync(parse, cancellationToken);
            return await PagesBenchmark.RunAsync(cli, chosen, parse.GetValue(requests), counts, parse.GetValue(before), cancellationToken);
        });
        return command;
    }

    private static Command RefreshCommand()
    {
        var dossiers = new Option<long>("--dossiers") { Description = "Số hồ sơ nhận trong một tháng (mặc định 1.000.000)", DefaultValueFactory = _ => 1_000_000 };
        var events = new Option<string>("--events") { Description = "Số sự kiện đến muộn mỗi lô, cách nhau bằng dấu phẩy (mặc định 100,1000,10000)", DefaultValueFactory = _ => "100,1000,10000" };
        var rounds = new Option<int>("--rounds") { Description = "Số lượt đo mỗi cỡ lô, lấy trung vị (mặc định 3)", DefaultValueFactory = _ => 3 };
        var command = new Command("refresh", "Cập nhật số liệu sau các sự kiện đến muộn: từng hồ sơ so với dựng lại cả tháng.") { dossiers, events, rounds };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(dossiers) is < 1_000 or > 50_000_000)
            {
                throw new UsageException("--dossiers phải từ 1.000 đến 50.000.000.");
            }

            var sizes = (parse.GetValue(events) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(c => int.TryParse(c, out var n) && n is >= 1 and <= 1_000_000 ? n : throw new UsageException($"--events \"{c}\" không hợp lệ (1 đến 1.000.000)."))
                .ToArray();
            if (sizes.Length == 0 || parse.GetValue(rounds) is < 1 or > 20)
            {
                throw new UsageException("--events cần ít nhất một cỡ lô; --rounds phải từ 1 đến 20.");
            }

            await using var cli = await CliHost.StartAsync(parse, cancellationToken);
            return await RefreshBenchmark.RunAsync(cli, parse.GetValue(dossiers), sizes, parse.GetValue(rounds), cancellationToken);
        });
        return command;
    }

    /// <summary>The --period of a benchmark, or the last full month.</summary>
    private static Period PeriodOrLastMonth(string? text)
    {
        var today = SelectionParser.TodayInVietnam(TimeProvider.System);
        try
        {
            return text is not null ? Period.Parse(text, today) : Period.Month(today.AddMonths(-1).Year, today.AddMonths(-1).Month);
        }
        catch (PeriodException ex)
        {
            throw new UsageException(ex.Message);
        }
    }
}

using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ReformMetrics.Metrics.Periods;
using ReformMetrics.Reports;
using ReformMetrics.Store;
using ReformMetrics.Metrics.Query;
using ReformMetrics.Synthetic;
using Spectre.Console;

namespace ReformMetrics.Cli.Verbs;

/// <summary>
/// `reform demo`: the whole system on synthetic data. Starts the engine, creates the schema, generates dossiers for
/// every province from 1 January of last year to today (so the 2025-07-01 merger and both geographies are in it),
/// loads them through the ingestion path every source system uses, refreshes the aggregates and prints the national
/// indicators. The demo's parameters are kept in the store, so running it again regenerates byte-identical files,
/// which ingestion recognises and skips: nothing is loaded twice.
/// </summary>
internal static class DemoVerb
{
    public const long DefaultDossiers = 300_000;

    public static Command Create()
    {
        var dossiers = new Option<long?>("--dossiers") { Description = $"Số hồ sơ mẫu (mặc định {DefaultDossiers:N0}; lần chạy sau dùng lại số của lần đầu)" };
        var noServe = new Option<bool>("--no-serve") { Description = "Dừng sau khi nạp dữ liệu và lập báo cáo, không mở bảng điều khiển" };
        var port = new Option<int>("--port") { Description = "Cổng của bảng điều khiển (mặc định 8080)", DefaultValueFactory = _ => 8080 };
        var cluster = new Option<string?>("--cluster")
        {
            Description = "Chạy trên một cụm ClickHouse cục bộ SxR (S phân mảnh × R bản sao, ví dụ 2x2), khởi động nếu chưa chạy (như reform cluster up)",
            HelpName = "SxR",
        };
        var command = new Command("demo", "Chạy thử toàn hệ thống trên dữ liệu mẫu của mọi tỉnh, thành phố, rồi mở bảng điều khiển.") { dossiers, noServe, port, cluster };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var clock = Stopwatch.StartNew();
            if (parse.GetValue(port) is < 1 or > 65535)
            {
                throw new UsageException($"--port phải từ 1 đến 65535, không phải {parse.GetValue(port)}.");
            }

            if (parse.GetValue(cluster) is { } shape)
            {
                await UseLocalClusterAsync(parse, ClusterVerb.ParseShape(shape), cancellationToken);
            }

            await using var cli = await CliHost.StartAsync(parse, cancellationToken);
            await MigrateVerb.MigrateAsync(cli, cancellationToken);
            var storeDirectory = Path.GetFullPath(cli.Services.GetRequiredService<IOptions<ClickHouseOptions>>().Value.StoreDirectory);
            var demo = DemoParameters.LoadOrCreate(Path.Combine(storeDirectory, "demo"), parse.GetValue(dossiers));
            var data = Path.Combine(storeDirectory, "demo", "data");
            var options = new GeneratorOptions(demo.Dossiers, demo.From, demo.To, demo.Seed, data);
            ConsoleUi.Info($"Dữ liệu mẫu: {demo.Dossiers:N0} hồ sơ từ {demo.From:dd/MM/yyyy} đến {demo.To:dd/MM/yyyy}, hạt giống {demo.Seed}.");
            var (generated, generateSeconds) = GenerateVerb.Run(options, cancellationToken);
            ConsoleUi.Info($"Đã sinh {generated.Events:N0} sự kiện trong {generated.Files.Count:N0} tệp ({generateSeconds:N1} giây).");

            var ingestClock = Stopwatch.StartNew();
            var results = await IngestVerb.RunAsync(cli, IngestVerb.Expand([data]), cancellationToken);
            IngestVerb.PrintSummary(results);
            ConsoleUi.Info($"Nạp xong trong {ingestClock.Elapsed.TotalSeconds:N1} giây.");
            await IngestVerb.RefreshAsync(cli, cancellationToken);

            await KpiVerb.PrintDemoAsync(cli, demo.From, demo.To, cancellationToken);
            await WriteSampleReportsAsync(cli, Path.Combine(storeDirectory, "demo", "reports"), demo.To, cancellationToken);
            await CreateDemoUsersAsync(cli, cancellationToken);
            ConsoleUi.Success($"Chạy thử xong trong {clock.Elapsed.TotalSeconds:N0} giây.");
            ConsoleUi.Info("Xem thêm: ./reform kpi --from 2025-01-01 --to 2025-06-30 --geo 2008 --by province; ./reform sql \"SELECT * FROM v_kpi_month LIMIT 10\"");
            if (IngestVerb.PrintFailures(results))
            {
                return ReformCommand.Failure;
            }

            if (parse.GetValue(noServe))
            {
                return ReformCommand.Ok;
            }

            // The dashboard over the demo data, until Ctrl+C; its host attaches to the same embedded engine.
            var listen = parse.GetValue(port);
            await cli.DisposeAsync();
            ConsoleUi.Info($"Mở http://localhost:{listen}/ và đăng nhập bằng một người dùng ở trên.");
            return await ServeVerb.RunAsync(parse, listen, cancellationToken);
        });
        return command;
    }

    /// <summary>Points this command (and the dashboard it opens) at the local cluster of that shape, started if needed, as
    /// `reform --clickhouse "<its string>"` would.</summary>
    private static async Task UseLocalClusterAsync(ParseResult parse, (int Shards, int Replicas) shape, CancellationToken cancellationToken)
    {
        if (parse.GetValue(GlobalOptions.ClickHouse) is { Length: > 0 } || Environment.GetEnvironmentVariable("REFORM_CLICKHOUSE") is { Length: > 0 })
        {
            throw new UsageException("--cluster tự khởi động một cụm cục bộ: không dùng cùng --clickhouse hay REFORM_CLICKHOUSE.");
        }

        (string Service, string Analyst) connection;
        await using (var launcher = await CliHost.StartAsync(parse, cancellationToken, openStore: false))
        {
            connection = await ClusterVerb.EnsureRunningAsync(launcher, shape.Shards, shape.Replicas, cancellationToken);
        }

        Environment.SetEnvironmentVariable("REFORM_CLICKHOUSE", connection.Service);
        Environment.SetEnvironmentVariable(ClickHouseOptions.AnalystEnvironmentVariable, connection.Analyst);
    }

    /// <summary>The last full quarter's reports for the whole country and for Hà Nội, in the official window of that quarter
    /// (as an officer files them): the official form in Excel and PDF, the PDF bulletin, and the all-provinces workbook.</summary>
    private static async Task WriteSampleReportsAsync(CliHost cli, string directory, DateOnly to, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var quarter = ReportingWindow.For(Period.LastFullQuarter(to));
        var generator = cli.Services.GetRequiredService<ReportGenerator>();
        var requests = new List<ReportRequest> { new("provinces", "xlsx", quarter, 2025, null) };
        foreach (var province in new[] { (string?)null, "01" })
        {
            requests.Add(new ReportRequest("tthc-results", "xlsx", quarter, 2025, province));
            requests.Add(new ReportRequest("tthc-results", "pdf", quarter, 2025, province));
            requests.Add(new ReportRequest("bulletin", "pdf", quarter, 2025, province));
        }

        foreach (var request in requests)
        {
            var path = Path.Combine(directory, request.FileName);
            await generator.WriteAsync(request, path, cancellationToken);
            ConsoleUi.Info($"Báo cáo mẫu: {path}");
        }
    }

    /// <summary>One dashboard user per role, with a new random password each run, printed for whoever runs the demo.</summary>
    private static async Task CreateDemoUsersAsync(CliHost cli, CancellationToken cancellationToken)
    {
        var users = cli.Services.GetRequiredService<Dashboard.Users.UserStore>();
        var table = new Table().AddColumns("Người dùng", "Vai trò", "Tỉnh", "Mật khẩu");
        foreach (var (name, role, province) in new (string, Dashboard.Users.Role, string?)[]
        {
            ("quocgia", Dashboard.Users.Role.National, null), ("hanoi", Dashboard.Users.Role.Province, "01"), ("baocao-hanoi", Dashboard.Users.Role.Reporter, "01"),
            ("phantich", Dashboard.Users.Role.Analyst, null), ("quantri", Dashboard.Users.Role.Admin, null),
        })
        {
            var password = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6));
            await users.SaveAsync(name, role, province, password, cancellationToken);
            table.AddRow(name, Dashboard.Users.Roles.Label(role), province ?? string.Empty, password);
        }

        ConsoleUi.Out.Write(table);
    }

    /// <summary>What the demo generated the first time, so that every later run generates the same files.</summary>
    private sealed record DemoParameters(long Dossiers, DateOnly From, DateOnly To, ulong Seed)
    {
        private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

        public static DemoParameters LoadOrCreate(string directory, long? dossiers)
        {
            var path = Path.Combine(directory, "demo.json");
            if (File.Exists(path) && JsonSerializer.Deserialize<DemoParameters>(File.ReadAllText(path), Json) is { } saved)
            {
                if (dossiers is { } asked && asked != saved.Dossiers)
                {
                    ConsoleUi.Info($"Kho này đã có dữ liệu mẫu {saved.Dossiers:N0} hồ sơ; dùng lại (muốn cỡ khác, dùng --store khác).");
                }

                return saved;
            }

            if (dossiers is < 1000 or > 50_000_000)
            {
                throw new UsageException("--dossiers của demo phải từ 1.000 đến 50.000.000.");
            }

            var today = SelectionParser.TodayInVietnam(TimeProvider.System);
            var created = new DemoParameters(dossiers ?? DefaultDossiers, new DateOnly(today.Year - 1, 1, 1), today, 2025);
            Directory.CreateDirectory(directory);
            File.WriteAllText(path, JsonSerializer.Serialize(created, Json));
            return created;
        }
    }
}

using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Spectre.Console;
using ReformMetrics.Store;
using ReformMetrics.Store.Cluster;
using ReformMetrics.Store.Embedded;

namespace ReformMetrics.Cli.Verbs;

/// <summary>`reform cluster up|down|status`: a local ClickHouse cluster of embedded engines (and ZooKeeper when there are
/// replicas) for tests and demos. `up` prints, on stdout, the connection string that `reform --clickhouse` takes.</summary>
internal static class ClusterVerb
{
    public static Command Create()
    {
        var command = new Command("cluster", "Cụm ClickHouse trên máy này (các bộ máy nhúng, ZooKeeper khi có bản sao) để kiểm thử và trình diễn.");
        command.Add(CreateUp());
        command.Add(CreateDown());
        command.Add(CreateStatus());
        return command;
    }

    private static Option<string?> DirOption() => new("--dir")
    {
        Description = $"Thư mục của cụm: dữ liệu từng nút, ZooKeeper, mật khẩu, trạng thái (mặc định ./{ClusterLayout.DefaultDirectory})",
        HelpName = "DIR",
    };

    private static Command CreateUp()
    {
        var shards = new Option<int>("--shards") { Description = $"Số phân mảnh (1 đến {LocalCluster.MaxShards})", DefaultValueFactory = _ => 2 };
        var replicas = new Option<int>("--replicas") { Description = $"Số bản sao của mỗi phân mảnh (1 đến {LocalCluster.MaxReplicas}); lớn hơn 1 thì chạy thêm ZooKeeper", DefaultValueFactory = _ => 1 };
        var dir = DirOption();
        var command = new Command("up", "Khởi động cụm, chờ mọi nút trả lời và nhận ra nhau, rồi in chuỗi kết nối cho --clickhouse.") { shards, replicas, dir };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var (s, r) = (parse.GetValue(shards), parse.GetValue(replicas));
            if (!IsShape(s, r))
            {
                throw new UsageException(
                    $"--shards từ 1 đến {LocalCluster.MaxShards}, --replicas từ 1 đến {LocalCluster.MaxReplicas}, tổng số nút (phân mảnh × bản sao) không quá {LocalCluster.MaxNodes}.");
            }

            await using var cli = await CliHost.StartAsync(parse, cancellationToken, openStore: false);
            var cluster = Cluster(cli, parse.GetValue(dir));
            var database = cli.Services.GetRequiredService<IOptions<ClickHouseOptions>>().Value.Database;
            ClusterState state = null!;
            await ConsoleUi.WithStatusAsync("Đang khởi động cụm", async progress =>
                state = await cluster.UpAsync(s, r, database, progress, cancellationToken));

            var users = EngineUsers.LoadOrCreate(cluster.Layout.Secrets);
            var connection = LocalCluster.ConnectionString(state, users);
            ConsoleUi.Success(
                $"Cụm {LocalCluster.Name} đang chạy: {state.Shards} phân mảnh × {state.Replicas} bản sao, {state.Nodes.Count} nút"
                + (state.ZooKeeper is { } zk ? $", ZooKeeper ở cổng {Number(zk.Port)}" : string.Empty) + $". Thư mục: {cluster.Layout.Root}");
            ConsoleUi.Info("Chuỗi kết nối (in ra stdout), dùng được cho mọi lệnh nhận --clickhouse, ví dụ:");
            ConsoleUi.Info($"  reform --clickhouse \"{connection}\" demo --no-serve");
            ConsoleUi.Info("Chuỗi kết nối cho người phân tích (trang SQL, đặt vào REFORM_CLICKHOUSE_ANALYST):");
            ConsoleUi.Info($"  {LocalCluster.AnalystConnectionString(state, users)}");
            ConsoleUi.Info($"Xem trạng thái: reform cluster status --dir {cluster.Layout.Root}; dừng: reform cluster down --dir {cluster.Layout.Root}");
            ConsoleUi.Out.WriteLine(connection);
            return ReformCommand.Ok;
        });
        return command;
    }

    private static Command CreateDown()
    {
        var dir = DirOption();
        var purge = new Option<bool>("--purge") { Description = "Sau khi dừng, xoá cả thư mục của cụm (dữ liệu mọi nút, ZooKeeper, mật khẩu)" };
        var command = new Command("down", "Dừng mọi nút và ZooKeeper của cụm; giữ dữ liệu trừ khi có --purge.") { dir, purge };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var cli = await CliHost.StartAsync(parse, cancellationToken, openStore: false);
            var cluster = Cluster(cli, parse.GetValue(dir));
            var removed = parse.GetValue(purge);
            var stopped = 0;
            await ConsoleUi.WithStatusAsync("Đang dừng cụm", async progress =>
                stopped = await cluster.DownAsync(removed, progress, cancellationToken));

            ConsoleUi.Success((stopped == 0
                    ? $"Không có nút nào của cụm đang chạy ở {cluster.Layout.Root}."
                    : $"Đã dừng {stopped} tiến trình của cụm ở {cluster.Layout.Root}.")
                + (removed ? " Đã xoá thư mục của cụm." : string.Empty));
            return ReformCommand.Ok;
        });
        return command;
    }

    private static Command CreateStatus()
    {
        var dir = DirOption();
        var command = new Command("status", "Liệt kê các nút của cụm (phân mảnh, bản sao, pid, cổng, còn trả lời không, phiên bản) và ZooKeeper.") { dir };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var cli = await CliHost.StartAsync(parse, cancellationToken, openStore: false);
            var cluster = Cluster(cli, parse.GetValue(dir));
            var status = await cluster.StatusAsync(cancellationToken);
            if (status.State is null)
            {
                ConsoleUi.Info($"Chưa có cụm nào ở {cluster.Layout.Root} (khởi động: reform cluster up).");
                return ReformCommand.Failure;
            }

            var table = new Table().AddColumns("Nút", "Phân mảnh", "Bản sao", "PID", "HTTP", "TCP", "Trạng thái", "Phiên bản");
            foreach (var node in status.Nodes)
            {
                table.AddRow(
                    node.Node.Name, Number(node.Node.Shard), Number(node.Node.Replica), node.Pid is { } pid ? Number(pid) : "—",
                    Number(node.Node.HttpPort), Number(node.Node.TcpPort),
                    node.Alive ? "[green]đang chạy[/]" : node.Pid is null ? "đã dừng" : "[red]không trả lời[/]",
                    Markup.Escape(node.Version ?? "—"));
            }

            ConsoleUi.Out.Write(table);
            ConsoleUi.Out.WriteLine(status.ZooKeeper switch
            {
                null => "ZooKeeper: không dùng (cụm không có bản sao).",
                { Mode: { } mode } zk => $"ZooKeeper: đang chạy, pid {Number(zk.State.Pid)}, cổng {Number(zk.State.Port)}, chế độ {mode}.",
                { Running: true } zk => $"ZooKeeper: tiến trình {Number(zk.State.Pid)} còn chạy nhưng không trả lời ở cổng {Number(zk.State.Port)}.",
                var zk => $"ZooKeeper: đã dừng (cổng {Number(zk.State.Port)}).",
            });
            return status.AllAlive ? ReformCommand.Ok : ReformCommand.Failure;
        });
        return command;
    }

    // Pids and ports are identifiers, not quantities: no thousands separator.
    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>For `reform demo --cluster SxR`: the local cluster of the default directory with that shape, started when
    /// it does not run (a running one of another shape is refused); returns the connection string `--clickhouse` takes and
    /// the analysts' one.</summary>
    public static async Task<(string Service, string Analyst)> EnsureRunningAsync(CliHost cli, int shards, int replicas, CancellationToken cancellationToken)
    {
        var cluster = Cluster(cli, null);
        var status = await cluster.StatusAsync(cancellationToken);
        var users = EngineUsers.LoadOrCreate(cluster.Layout.Secrets);
        if (status.State is { } running && status.Nodes.Any(n => n.Alive))
        {
            if (!status.AllAlive || running.Shards != shards || running.Replicas != replicas)
            {
                throw new UsageException(
                    $"Cụm ở {cluster.Layout.Root} đang chạy với {running.Shards} phân mảnh × {running.Replicas} bản sao"
                    + (status.AllAlive ? string.Empty : ", có nút đã dừng") + $": dừng nó trước (reform cluster down --dir {cluster.Layout.Root}) rồi chạy lại.");
            }

            return (LocalCluster.ConnectionString(running, users), LocalCluster.AnalystConnectionString(running, users));
        }

        var database = cli.Services.GetRequiredService<IOptions<ClickHouseOptions>>().Value.Database;
        ClusterState state = null!;
        await ConsoleUi.WithStatusAsync("Đang khởi động cụm", async progress => state = await cluster.UpAsync(shards, replicas, database, progress, cancellationToken));
        ConsoleUi.Info($"Cụm {LocalCluster.Name}: {shards} phân mảnh × {replicas} bản sao ở {cluster.Layout.Root}; dừng bằng reform cluster down.");
        return (LocalCluster.ConnectionString(state, users), LocalCluster.AnalystConnectionString(state, users));
    }

    /// <summary>Reads "2x2" (shards × replicas) within the local cluster's limits.</summary>
    public static (int Shards, int Replicas) ParseShape(string text)
    {
        var parts = text.Split('x', 'X', '×');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var s)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var r)
            && IsShape(s, r))
        {
            return (s, r);
        }

        throw new UsageException(
            $"--cluster phải có dạng SxR (ví dụ 2x2): S phân mảnh từ 1 đến {LocalCluster.MaxShards}, R bản sao từ 1 đến {LocalCluster.MaxReplicas}, "
            + $"tổng số nút không quá {LocalCluster.MaxNodes}; không phải '{text}'.");
    }

    /// <summary>Within the local cluster's limits: shards, replicas and nodes in all.</summary>
    private static bool IsShape(int shards, int replicas) =>
        shards is >= 1 and <= LocalCluster.MaxShards && replicas is >= 1 and <= LocalCluster.MaxReplicas && shards * replicas <= LocalCluster.MaxNodes;

    private static LocalCluster Cluster(CliHost cli, string? directory)
    {
        var options = cli.Services.GetRequiredService<IOptions<ClickHouseOptions>>().Value;
        var loggers = cli.Services.GetRequiredService<ILoggerFactory>();
        return new LocalCluster(
            ClusterLayout.For(directory),
            new EngineCache(options.EngineCacheDirectory ?? EngineCache.DefaultRoot(), loggers.CreateLogger<EngineCache>()),
            EngineHostCommand.Resolve(),
            loggers.CreateLogger<LocalCluster>());
    }
}

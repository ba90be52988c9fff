using ReformMetrics.TestSupport;

namespace ReformMetrics.Cli.Tests;

/// <summary>`reform cluster up|status|down` as a user runs them, and the printed connection string used by another verb. The
/// cluster itself is tested in Store.Tests (Cluster).</summary>
public sealed class ClusterCommandTests : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private readonly string _directory = Directory.CreateTempSubdirectory("reform-cluster-cli-").FullName;

    [Fact]
    public async Task Up_prints_a_connection_string_that_another_verb_uses_status_shows_the_nodes_and_down_stops_them()
    {
        var up = await ReformAsync("cluster", "up", "--shards", "2", "--replicas", "1", "--dir", _directory);
        Assert.True(up.ExitCode == 0, up.StandardError);
        var connection = up.StandardOutput.Trim();
        Assert.StartsWith("Host=127.0.0.1;Port=", connection, StringComparison.Ordinal);
        Assert.EndsWith(";Cluster=reform_cluster", connection, StringComparison.Ordinal);
        Assert.Contains("2 phân mảnh × 1 bản sao", up.StandardError, StringComparison.Ordinal);
        Assert.Contains($"reform --clickhouse \"{connection}\" demo --no-serve", up.StandardError, StringComparison.Ordinal);

        var again = await ReformAsync("cluster", "up", "--dir", _directory);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("đang chạy (s1-r1, s2-r1): không khởi động lần nữa", again.StandardError, StringComparison.Ordinal);

        // The Cluster key reaches ClickHouse:Cluster and never the driver, which would refuse an unknown key.
        var sql = await ReformAsync("--clickhouse", connection, "sql", "--format", "TSV",
            "SELECT count(), getMacro('cluster') FROM clusterAllReplicas('reform_cluster', system.one)");
        Assert.True(sql.ExitCode == 0, sql.StandardError);
        Assert.Equal("2\treform_cluster", sql.StandardOutput.Trim());

        var status = await ReformAsync("cluster", "status", "--dir", _directory);
        Assert.Equal(0, status.ExitCode);
        Assert.Equal(2, status.StandardOutput.Split('\n').Count(line => line.Contains("đang chạy", StringComparison.Ordinal) && line.Contains("26.7.", StringComparison.Ordinal)));
        Assert.Contains("s2-r1", status.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("ZooKeeper: không dùng", status.StandardOutput, StringComparison.Ordinal);

        var down = await ReformAsync("cluster", "down", "--dir", _directory);
        Assert.Equal(0, down.ExitCode);
        Assert.Contains("Đã dừng 2 tiến trình", down.StandardError, StringComparison.Ordinal);

        var stopped = await ReformAsync("cluster", "status", "--dir", _directory);
        Assert.Equal(1, stopped.ExitCode);
        Assert.Equal(2, stopped.StandardOutput.Split('\n').Count(line => line.Contains("đã dừng", StringComparison.Ordinal)));

        var purge = await ReformAsync("cluster", "down", "--purge", "--dir", _directory);
        Assert.Equal(0, purge.ExitCode);
        Assert.Contains("Không có nút nào của cụm đang chạy", purge.StandardError, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_directory));
    }

    [Theory]
    [InlineData("--shards", "0")]
    [InlineData("--replicas", "5")]
    [InlineData("--shards", "9", "--replicas", "2")]
    public async Task An_impossible_shape_is_bad_usage_and_starts_nothing(params string[] shape)
    {
        var result = await ReformAsync(["cluster", "up", "--dir", _directory, .. shape]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--shards từ 1 đến 16, --replicas từ 1 đến 4", result.StandardError, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_directory, "cluster.json")));
    }

    [Theory]
    [InlineData("2y2")]
    [InlineData("0x1")]
    [InlineData("9x2")]
    [InlineData("2x")]
    public async Task Demo_on_a_cluster_of_an_impossible_shape_is_bad_usage_and_starts_nothing(string shape)
    {
        var result = await ReformAsync("demo", "--cluster", shape, "--no-serve");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"--cluster phải có dạng SxR (ví dụ 2x2)", result.StandardError, StringComparison.Ordinal);
        Assert.Contains($"không phải '{shape}'", result.StandardError, StringComparison.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        if (Directory.Exists(_directory))
        {
            await ReformAsync("cluster", "down", "--purge", "--dir", _directory);
        }
    }

    private static Task<ReformProcess.Result> ReformAsync(params string[] arguments) => ReformProcess.RunAsync(arguments, timeout: Timeout);
}

using Dapper;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Cli.Tests;

/// <summary>The `reform` executable as users and scripts meet it: output, messages and exit codes.</summary>
public sealed class ReformCommandTests(TestEngine engine)
{
    [Fact]
    public async Task Sql_prints_a_result_table_from_the_server()
    {
        var result = await ReformAsync("--clickhouse", engine.ConnectionString, "sql", "SELECT version() AS v, 'Hà Nội' AS city");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("26.7.", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Hà Nội", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("1 dòng", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Global_options_may_stand_before_or_after_the_verb()
    {
        var before = await ReformAsync("--clickhouse", engine.ConnectionString, "sql", "SELECT 40 + 2 AS answer");
        var after = await ReformAsync("sql", "SELECT 40 + 2 AS answer", "--clickhouse", engine.ConnectionString);

        Assert.Equal((0, 0), (before.ExitCode, after.ExitCode));
        Assert.Contains("42", before.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(before.StandardOutput, after.StandardOutput);
    }

    [Fact]
    public async Task Sql_with_a_format_writes_ClickHouse_output_untouched_to_stdout()
    {
        var result = await ReformAsync("--clickhouse", engine.ConnectionString, "sql", "--format", "CSVWithNames", "SELECT 1 AS a, 'Đà Nẵng' AS b");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("\"a\",\"b\"\n1,\"Đà Nẵng\"\n", result.StandardOutput);
    }

    [Fact]
    public async Task Sql_is_read_only_unless_write_is_given()
    {
        var database = $"cli_{Guid.NewGuid():N}"[..16];
        var readOnly = await ReformAsync("--clickhouse", engine.ConnectionString, "sql", $"CREATE DATABASE {database}");
        Assert.Equal(1, readOnly.ExitCode);
        Assert.Contains("--write", readOnly.StandardError, StringComparison.Ordinal);

        var written = await ReformAsync("--clickhouse", engine.ConnectionString, "sql", "--write", $"CREATE DATABASE {database}");
        Assert.Equal(0, written.ExitCode);
        await ReformAsync("--clickhouse", engine.ConnectionString, "sql", "--write", $"DROP DATABASE {database}");
    }

    [Fact]
    public async Task A_failing_query_exits_with_1_and_the_server_message()
    {
        var result = await ReformAsync("--clickhouse", engine.ConnectionString, "sql", "SELECT no_such_function(1)");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no_such_function", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("sql")]
    [InlineData("migrate", "--no-such-option")]
    [InlineData("sql", "SELECT 1", "--store")]
    public async Task Bad_usage_exits_with_2_and_says_what_is_wrong(params string[] arguments)
    {
        var result = await ReformAsync(arguments);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Lỗi:", result.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Hots=127.0.0.1;Port=8123", "Hots")]
    [InlineData("Host=127.0.0.1;Port=http", "Port")]
    [InlineData("Port=8123", "thiếu Host")]
    [InlineData("Host=127.0.0.1;Protocol=ftp", "Protocol")]
    public async Task An_invalid_connection_string_is_bad_usage_naming_the_field(string connectionString, string named)
    {
        var result = await ReformAsync("--clickhouse", connectionString, "sql", "SELECT 1");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(named, result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_environment_variable_selects_the_server_too()
    {
        var result = await ReformProcess.RunAsync(
            ["sql", "SELECT getServerPort('http_port') AS port"],
            new Dictionary<string, string?> { ["REFORM_CLICKHOUSE"] = engine.ConnectionString });

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(new ClickHouse.Driver.ADO.ClickHouseClientSettings(engine.ConnectionString).Port.ToString(System.Globalization.CultureInfo.InvariantCulture), result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_server_exits_with_1_in_Vietnamese()
    {
        var result = await ReformAsync("--clickhouse", "Host=127.0.0.1;Port=1", "sql", "SELECT 1");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Không kết nối được ClickHouse", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_creates_the_configured_database_and_running_it_again_changes_nothing()
    {
        var database = $"cli_{Guid.NewGuid():N}"[..16];
        var environment = new Dictionary<string, string?> { ["REFORM_ClickHouse__Database"] = database };
        try
        {
            var first = await ReformProcess.RunAsync(["--clickhouse", engine.ConnectionString, "migrate"], environment);
            var second = await ReformProcess.RunAsync(["--clickhouse", engine.ConnectionString, "migrate"], environment);

            Assert.Equal((0, 0), (first.ExitCode, second.ExitCode));
            Assert.Contains($"Cơ sở dữ liệu {database} đã cập nhật", second.StandardError, StringComparison.Ordinal);
            await using var store = engine.StoreFor(database);
            await store.OpenAsync(null, TestContext.Current.CancellationToken);
            await using var connection = store.CreateConnection();
            Assert.Equal(
                await connection.ExecuteScalarAsync<ulong>("SELECT count() FROM schema_migrations FINAL"),
                (ulong)ReformMetrics.Store.Migrations.Migration.LoadEmbedded().Count(m => !m.Repeatable));
        }
        finally
        {
            await ReformAsync("--clickhouse", engine.ConnectionString, "sql", "--write", $"DROP DATABASE IF EXISTS {database}");
        }
    }

    [Fact]
    public async Task On_a_fresh_store_sql_starts_the_embedded_engine_and_leaves_nothing_running()
    {
        var store = Directory.CreateTempSubdirectory("reform-cli-").FullName;
        try
        {
            var result = await ReformAsync("--store", store, "sql", "SELECT version()");

            Assert.Equal(0, result.ExitCode);
            Assert.Contains("26.7.", result.StandardOutput, StringComparison.Ordinal);
            Assert.True(ReformMetrics.Store.Embedded.FileLock.IsFree(Path.Combine(store, "run", "engine.lock")));
        }
        finally
        {
            Directory.Delete(store, recursive: true);
        }
    }

    [Fact]
    public async Task Demo_generates_loads_and_prints_the_figures_and_a_second_run_stores_nothing_twice()
    {
        var store = Directory.CreateTempSubdirectory("reform-cli-demo-").FullName;
        var environment = new Dictionary<string, string?> { ["REFORM_ClickHouse__Database"] = $"demo_{Guid.NewGuid():N}"[..16] };
        try
        {
            string[] demo = ["--clickhouse", engine.ConnectionString, "--store", store, "demo", "--dossiers", "2000", "--no-serve"];
            string[] count = ["--clickhouse", engine.ConnectionString, "sql", "--format", "TSV", "SELECT count(), uniqExact(dossier_id) FROM events"];

            var first = await ReformProcess.RunAsync(demo, environment, TimeSpan.FromMinutes(6));
            var afterFirst = await ReformProcess.RunAsync(count, environment);
            var second = await ReformProcess.RunAsync(demo, environment, TimeSpan.FromMinutes(6));
            var afterSecond = await ReformProcess.RunAsync(count, environment);

            Assert.Equal(0, first.ExitCode);
            Assert.Contains("Dữ liệu mẫu: 2.000 hồ sơ", first.StandardError, StringComparison.Ordinal);
            Assert.Contains("on_time_rate", first.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("Tây Ninh", first.StandardOutput, StringComparison.Ordinal);
            Assert.All(new[] { "quocgia", "hanoi", "baocao-hanoi", "phantich", "quantri" }, u => Assert.Contains(u, first.StandardOutput, StringComparison.Ordinal));
            Assert.Equal(0, second.ExitCode);
            Assert.EndsWith("\t2000", afterFirst.StandardOutput.Trim(), StringComparison.Ordinal);
            Assert.Equal(afterFirst.StandardOutput, afterSecond.StandardOutput);
            Assert.Contains("đã nạp trước đây", second.StandardOutput + second.StandardError, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(store, recursive: true);
        }
    }

    [Fact]
    public async Task Ingest_exits_0_with_a_summary_1_for_an_unreadable_file_and_2_for_a_missing_path()
    {
        var directory = Directory.CreateTempSubdirectory("reform-cli-ingest-").FullName;
        var database = $"cli_{Guid.NewGuid():N}"[..16];
        var environment = new Dictionary<string, string?> { ["REFORM_ClickHouse__Database"] = database };
        try
        {
            var good = Path.Combine(directory, "good.csv");
            await File.WriteAllTextAsync(good, "event_id,dossier_id,event_type,occurred_at,outcome\nE1,D1,resolved,2025-03-04T09:00:00,approved\nE2,D1,resolved,yesterday,approved\n", TestContext.Current.CancellationToken);
            var bad = Path.Combine(directory, "bad.csv");
            await File.WriteAllTextAsync(bad, "id,when\n1,2\n", TestContext.Current.CancellationToken);
            await ReformProcess.RunAsync(["--clickhouse", engine.ConnectionString, "migrate"], environment);

            var ok = await ReformProcess.RunAsync(["--clickhouse", engine.ConnectionString, "ingest", good], environment);
            var unreadable = await ReformProcess.RunAsync(["--clickhouse", engine.ConnectionString, "ingest", bad], environment);
            var missing = await ReformProcess.RunAsync(["--clickhouse", engine.ConnectionString, "ingest", Path.Combine(directory, "nope.csv")], environment);

            Assert.Equal(0, ok.ExitCode);
            Assert.Contains("good.csv", ok.StandardOutput, StringComparison.Ordinal);
            Assert.True(File.Exists(good + ".rejects.csv"));
            Assert.Equal(1, unreadable.ExitCode);
            Assert.Contains("event_id", unreadable.StandardOutput, StringComparison.Ordinal);
            Assert.Equal(2, missing.ExitCode);
            Assert.Contains("nope.csv", missing.StandardError, StringComparison.Ordinal);
        }
        finally
        {
            await ReformAsync("--clickhouse", engine.ConnectionString, "sql", "--write", $"DROP DATABASE IF EXISTS {database}");
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Bench_ingest_loads_the_file_both_ways_and_prints_the_ratio_and_memory()
    {
        // The benchmark exits 1 unless both loads stored every event exactly once.
        var result = await ReformProcess.RunAsync(
            ["--clickhouse", engine.ConnectionString, "bench", "ingest", "--rows", "3000", "--rounds", "1"], timeout: TimeSpan.FromMinutes(4));

        Assert.True(result.ExitCode == 0, result.StandardError + result.StandardOutput);
        Assert.Contains("round 1: CSV insert", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("(3.000 rows), reform ingest", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("ratio reform ingest / ClickHouse CSV insert (median rates):", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("peak RSS of the reform ingest process:", result.StandardOutput, StringComparison.Ordinal);
    }

    private static Task<ReformProcess.Result> ReformAsync(params string[] arguments) => ReformProcess.RunAsync(arguments);
}

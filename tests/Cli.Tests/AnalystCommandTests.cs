using ClickHouse.Driver;
using ClickHouse.Driver.ADO;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ReformMetrics.Store;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Cli.Tests;

/// <summary>`reform analyst` and `reform sql --analyst` on an embedded store of their own: the connection string an
/// analyst gives an external client, and what it lets them read.</summary>
public sealed class AnalystCommandTests : IAsyncLifetime
{
    private readonly string _store = Directory.CreateTempSubdirectory("reform-analyst-").FullName;
    private ClickHouseStore? _holder;

    public async ValueTask InitializeAsync()
    {
        var migrate = await ReformProcess.RunAsync(["--store", _store, "migrate"]);
        Assert.Equal(0, migrate.ExitCode);
        // Holds the engine (as `reform serve` would) so that a client can connect after `reform analyst` has exited.
        _holder = new ClickHouseStore(Options.Create(new ClickHouseOptions { StoreDirectory = _store }), NullLoggerFactory.Instance);
        await _holder.OpenAsync(null, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_holder is not null)
        {
            await _holder.DisposeAsync();
        }

        Directory.Delete(_store, recursive: true);
    }

    [Fact]
    public async Task Analyst_prints_a_connection_string_that_reads_the_views_and_nothing_else()
    {
        var result = await ReformProcess.RunAsync(["--store", _store, "analyst"]);

        Assert.Equal(0, result.ExitCode);
        var connectionString = result.StandardOutput.Trim();
        Assert.Equal("reform_analyst", new ClickHouseClientSettings(connectionString).Username);
        Assert.Contains("v_*", result.StandardError, StringComparison.Ordinal);
        await using var connection = new ClickHouseConnection(connectionString);
        Assert.Equal(0UL, await connection.ExecuteScalarAsync<ulong>(new CommandDefinition(
            "SELECT count() FROM v_dossiers", cancellationToken: TestContext.Current.CancellationToken)));
        var refused = await Assert.ThrowsAsync<ClickHouseServerException>(() => connection.ExecuteScalarAsync<ulong>(new CommandDefinition(
            "SELECT count() FROM dashboard_users", cancellationToken: TestContext.Current.CancellationToken)));
        Assert.Equal(497, refused.ErrorCode);
    }

    [Fact]
    public async Task Sql_as_the_analyst_reads_views_and_is_refused_tables()
    {
        var view = await ReformProcess.RunAsync(["--store", _store, "sql", "--analyst", "--format", "TSV", "SELECT currentUser(), count() FROM v_kpi_month"]);
        var table = await ReformProcess.RunAsync(["--store", _store, "sql", "--analyst", "SELECT count() FROM events"]);
        var write = await ReformProcess.RunAsync(["--store", _store, "sql", "--analyst", "--write", "DROP TABLE events"]);

        Assert.Equal(0, view.ExitCode);
        Assert.Equal("reform_analyst\t0\n", view.StandardOutput);
        Assert.Equal(1, table.ExitCode);
        Assert.Contains("reform.events", table.StandardError, StringComparison.Ordinal);
        Assert.Equal(2, write.ExitCode);
        Assert.Contains("--analyst", write.StandardError, StringComparison.Ordinal);
    }
}

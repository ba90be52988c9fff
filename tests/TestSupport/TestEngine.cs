using Xunit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ReformMetrics.Store;

namespace ReformMetrics.TestSupport;

/// <summary>
/// The ClickHouse of the test run (an assembly fixture): the server in REFORM_CLICKHOUSE when set (the test
/// script starts one embedded engine and hands it to every test project this way), else the embedded engine
/// of REFORM_TEST_STORE, or of a per-user directory that all test projects of a run share.
/// </summary>
public sealed class TestEngine : IAsyncLifetime
{
    private ClickHouseStore? _store;

    public string ConnectionString => _store?.ConnectionString ?? throw new InvalidOperationException("Test engine not started");

    /// <summary>The analyst user's connection (REFORM_CLICKHOUSE_ANALYST, or the embedded engine's own analyst user). Its
    /// grants cover the v_* views of <see cref="AnalystDatabase"/> only.</summary>
    public string AnalystConnectionString => (_store ?? throw new InvalidOperationException("Test engine not started")).AnalystConnectionString
        ?? throw new InvalidOperationException($"No analyst connection: set {ClickHouseOptions.AnalystEnvironmentVariable} with REFORM_CLICKHOUSE.");

    /// <summary>The one database whose views the analyst user may read (the engine's configured database). Only the
    /// analyst tests write to it, through <see cref="TestDatabase"/> with this name.</summary>
    public static string AnalystDatabase => new ClickHouseOptions().Database;

    public static string DefaultStoreDirectory =>
        Environment.GetEnvironmentVariable("REFORM_TEST_STORE") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Path.GetTempPath(), $"reform-tests-{Environment.UserName}", "store");

    public async ValueTask InitializeAsync()
    {
        var options = new ClickHouseOptions
        {
            ConnectionString = Environment.GetEnvironmentVariable("REFORM_CLICKHOUSE") is { Length: > 0 } server ? server : null,
            AnalystConnectionString = Environment.GetEnvironmentVariable(ClickHouseOptions.AnalystEnvironmentVariable) is { Length: > 0 } analyst ? analyst : null,
            StoreDirectory = DefaultStoreDirectory,
        };
        _store = new ClickHouseStore(Options.Create(options), NullLoggerFactory.Instance);
        await _store.OpenAsync(progress: null, TestContext.Current.CancellationToken);
    }

    /// <summary>A store bound to another database of the same engine.</summary>
    public ClickHouseStore StoreFor(string database, string? cluster = null) =>
        new(Options.Create(new ClickHouseOptions
        {
            ConnectionString = ConnectionString, AnalystConnectionString = _store?.AnalystConnectionString, Database = database, Cluster = cluster,
        }), NullLoggerFactory.Instance);

    public async ValueTask DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }
}

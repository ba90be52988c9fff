using Xunit;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using ReformMetrics.Store;
using ReformMetrics.Store.Migrations;

namespace ReformMetrics.TestSupport;

/// <summary>
/// A database of its own for one test class (a class fixture), migrated to the current schema and dropped
/// afterwards, so that test classes running in parallel never see each other's rows.
/// </summary>
public sealed class TestDatabase(TestEngine engine) : IAsyncLifetime
{
    private ClickHouseStore? _store;

    /// <summary>A database with a given name (TestEngine.AnalystDatabase for the analyst tests), emptied first.</summary>
    internal TestDatabase(TestEngine engine, string name)
        : this(engine) => Name = name;

    public string Name { get; } = $"test_{Guid.NewGuid():N}"[..21];

    public TestEngine Engine => engine;

    public ClickHouseStore Store => _store ?? throw new InvalidOperationException("Test database not created");

    public async ValueTask InitializeAsync()
    {
        _store = engine.StoreFor(Name);
        await _store.OpenAsync(progress: null, TestContext.Current.CancellationToken);
        await using (var connection = _store.CreateServerConnection())
        {
            await connection.ExecuteAsync($"DROP DATABASE IF EXISTS {Name} SYNC"); // left by an interrupted run
        }

        await new MigrationRunner(_store, NullLogger<MigrationRunner>.Instance)
            .RunAsync(Migration.LoadEmbedded(), TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_store is null)
        {
            return;
        }

        await using (var connection = _store.CreateServerConnection())
        {
            await connection.ExecuteAsync($"DROP DATABASE IF EXISTS {Name} SYNC");
        }

        await _store.DisposeAsync();
    }
}

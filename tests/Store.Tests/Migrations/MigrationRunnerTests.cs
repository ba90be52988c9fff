using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using ReformMetrics.Store.Migrations;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Store.Tests.Migrations;

/// <summary>Each test migrates a database of its own on the shared engine.</summary>
public sealed class MigrationRunnerTests(TestEngine engine) : IAsyncLifetime
{
    private readonly ClickHouseStore _store = engine.StoreFor($"mig_{Guid.NewGuid():N}"[..20]);

    private static readonly Migration Regions = Migration.FromFile("0001_regions.sql", """
        CREATE TABLE IF NOT EXISTS regions {on_cluster} (code String, name String) ENGINE = {replicated}MergeTree ORDER BY code;
        INSERT INTO regions VALUES ('01', 'Hà Nội'), ('79', 'Hồ Chí Minh');
        """);

    private static readonly Migration RegionView = Migration.FromFile("0002_region_view.sql", """
        -- Names only, for people.
        CREATE OR REPLACE VIEW v_regions AS SELECT name FROM regions ORDER BY code
        """);

    private static readonly Migration RegionNames = Migration.FromRepeatableFile("region_names.sql", """
        -- Generated from code in real use; applied again whenever this text changes.
        CREATE OR REPLACE VIEW v_region_names AS SELECT name FROM regions ORDER BY name
        """);

    public async ValueTask InitializeAsync() => await _store.OpenAsync(null, TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        await using (var connection = _store.CreateServerConnection())
        {
            await connection.ExecuteAsync($"DROP DATABASE IF EXISTS {_store.Database} SYNC");
        }

        await _store.DisposeAsync();
    }

    [Fact]
    public async Task Applies_pending_migrations_in_version_order_and_records_their_checksums()
    {
        var result = await RunAsync(RegionView, Regions);

        Assert.Equal(["0001_regions", "0002_region_view"], result.Applied);
        Assert.Equal(["Hà Nội", "Hồ Chí Minh"], await QueryAsync<string>("SELECT name FROM v_regions"));
        var recorded = await QueryAsync<(uint Version, string Checksum)>("SELECT version, checksum FROM schema_migrations FINAL ORDER BY version");
        Assert.Equal([(1u, Regions.Checksum), (2u, RegionView.Checksum)], recorded);
    }

    [Fact]
    public async Task Pending_lists_what_a_database_lacks_and_serve_refuses_to_start_on_it()
    {
        var runner = new MigrationRunner(_store, NullLogger<MigrationRunner>.Instance);
        var cancel = TestContext.Current.CancellationToken;
        // No database history at all, then one of two applied; repeatable definitions are never pending.
        Assert.Equal(["0001_regions", "0002_region_view"], (await runner.PendingAsync([RegionNames, RegionView, Regions], cancel)).Select(m => m.Name));
        await RunAsync(Regions);
        Assert.Equal(["0002_region_view"], (await runner.PendingAsync([Regions, RegionView, RegionNames], cancel)).Select(m => m.Name));

        // This program's own migrations are all pending on this database: the check `reform serve` runs refuses, naming them.
        var refused = await Assert.ThrowsAsync<MigrationException>(() => new SchemaCheck(_store, NullLogger<MigrationRunner>.Instance).StartAsync(cancel));
        Assert.Contains("0016_rollup_deltas", refused.Message, StringComparison.Ordinal);
        Assert.Contains("chạy reform migrate", refused.Message, StringComparison.Ordinal);

        // A store with every migration of this program: the check lets it start.
        await using var migrated = new TestDatabase(engine);
        await migrated.InitializeAsync();
        await new SchemaCheck(migrated.Store, NullLogger<MigrationRunner>.Instance).StartAsync(cancel);
    }

    [Fact]
    public async Task Running_again_is_a_no_op()
    {
        await RunAsync(Regions, RegionView);

        var again = await RunAsync(Regions, RegionView);

        Assert.Empty(again.Applied);
        Assert.Equal(2, again.AlreadyApplied);
        Assert.Equal([2UL], await QueryAsync<ulong>("SELECT count() FROM regions"));
    }

    [Fact]
    public async Task An_applied_file_that_changed_is_refused_and_nothing_after_it_runs()
    {
        await RunAsync(Regions);
        var edited = Regions with { Script = Regions.Script.Replace("Hà Nội", "Ha Noi", StringComparison.Ordinal) };

        var error = await Assert.ThrowsAsync<MigrationException>(() => RunAsync(edited, RegionView));

        Assert.Contains("0001_regions", error.Message, StringComparison.Ordinal);
        Assert.Contains("đã bị sửa", error.Message, StringComparison.Ordinal);
        Assert.Equal([0UL], await QueryAsync<ulong>("SELECT count() FROM system.tables WHERE database = currentDatabase() AND name = 'v_regions'"));
    }

    [Fact]
    public async Task A_database_newer_than_the_program_is_refused()
    {
        await RunAsync(Regions, RegionView);

        var error = await Assert.ThrowsAsync<MigrationException>(() => RunAsync(Regions));

        Assert.Contains("0002_region_view", error.Message, StringComparison.Ordinal);
        Assert.Contains("mới hơn chương trình", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_statement_is_named_and_its_migration_is_not_recorded_so_a_fixed_file_runs_later()
    {
        var broken = Migration.FromFile("0002_region_view.sql", "CREATE TABLE IF NOT EXISTS extra (x UInt8) ENGINE = Memory;\nSELECT no_such_column FROM regions");

        var error = await Assert.ThrowsAsync<MigrationException>(() => RunAsync(Regions, broken));

        Assert.Contains("0002_region_view, câu lệnh 2/2", error.Message, StringComparison.Ordinal);
        Assert.Equal([1u], await QueryAsync<uint>("SELECT version FROM schema_migrations FINAL"));

        var result = await RunAsync(Regions, RegionView);
        Assert.Equal(["0002_region_view"], result.Applied);
    }

    [Fact]
    public async Task A_repeatable_definition_runs_after_the_numbered_migrations_and_again_when_its_text_changes_or_a_migration_ran()
    {
        var first = await RunAsync(RegionNames, Regions);
        var unchanged = await RunAsync(RegionNames, Regions);
        var edited = RegionNames with { Script = RegionNames.Script.Replace("SELECT name", "SELECT code, name", StringComparison.Ordinal) };
        var changed = await RunAsync(edited, Regions);
        var migrated = await RunAsync(edited, Regions, RegionView);

        Assert.Equal(["0001_regions", "region_names"], [.. first.Applied, .. first.Repeated]);
        Assert.Equal((0, 0), (unchanged.Applied.Count, unchanged.Repeated.Count));
        Assert.Equal((0, 1), (changed.Applied.Count, changed.Repeated.Count));
        Assert.Equal(["0002_region_view", "region_names"], [.. migrated.Applied, .. migrated.Repeated]);
        Assert.Equal([2UL], await QueryAsync<ulong>("SELECT count() FROM system.columns WHERE database = currentDatabase() AND table = 'v_region_names'"));
        Assert.Equal([(edited.Checksum, 3UL)], await QueryAsync<(string, ulong)>("SELECT argMax(checksum, applied_at), count() FROM schema_repeatables GROUP BY name"));
        Assert.Equal([2UL], await QueryAsync<ulong>("SELECT count() FROM schema_migrations FINAL"));
    }

    [Fact]
    public async Task A_store_migrated_before_repeatable_definitions_existed_gets_them_from_the_next_migrate()
    {
        await RunAsync(Regions);

        var upgrade = await RunAsync(Regions, RegionNames);

        Assert.Equal(["region_names"], [.. upgrade.Applied, .. upgrade.Repeated]);
        Assert.Equal(["Hà Nội", "Hồ Chí Minh"], await QueryAsync<string>("SELECT name FROM v_region_names"));
    }

    private Task<MigrationResult> RunAsync(params Migration[] migrations) =>
        new MigrationRunner(_store, NullLogger<MigrationRunner>.Instance).RunAsync(Migration.Ordered(migrations), TestContext.Current.CancellationToken);

    private async Task<List<T>> QueryAsync<T>(string sql)
    {
        await using var connection = _store.CreateConnection();
        return (await connection.QueryAsync<T>(sql)).ToList();
    }
}

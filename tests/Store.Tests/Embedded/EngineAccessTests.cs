using ClickHouse.Driver;
using ClickHouse.Driver.ADO;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ReformMetrics.Store.Embedded;
using ReformMetrics.Store.Migrations;
using ReformMetrics.Store.Refresh;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Store.Tests.Embedded;

/// <summary>An embedded engine of its own, met as an analyst, a local process and ReformMetrics itself would meet it:
/// who may read what, through ClickHouse's own users and grants and the engine's confinement.</summary>
public sealed class EngineAccessTests : IAsyncLifetime
{
    private const int AccessDenied = 497;
    private const int CannotOpenFile = 76;
    private const int Readonly = 164;
    private readonly StoreLayout _layout = StoreLayout.For(Directory.CreateTempSubdirectory("reform-access-").FullName);
    private ClickHouseStore? _store;

    private ClickHouseStore Store => _store ?? throw new InvalidOperationException("not started");

    private EmbeddedEngine Engine => Store.Engine ?? throw new InvalidOperationException("not embedded");

    public async ValueTask InitializeAsync()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        _store = new ClickHouseStore(Options.Create(new ClickHouseOptions { StoreDirectory = _layout.Root }), NullLoggerFactory.Instance);
        await _store.OpenAsync(null, cancellationToken);
        await new MigrationRunner(_store, NullLogger<MigrationRunner>.Instance).RunAsync(Migration.LoadEmbedded(), cancellationToken);
        await EventWriter.WriteAsync(_store, "D1", [new Ev("received", "2025-04-01 09:00", "72", Due: "2025-04-04 17:00")]);
        await new DossierRefresher(_store, NullLogger<DossierRefresher>.Instance).RefreshAsync(cancellationToken);
        await using var connection = _store.CreateConnection();
        await connection.ExecuteAsync(
            "INSERT INTO dashboard_users (name, role, province_code, password_hash, failed_logins, created_at) VALUES ('quantri', 'admin', '', 'hash', 0, now64(3))");
    }

    public async ValueTask DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        Directory.Delete(_layout.Root, recursive: true);
    }

    [Fact]
    public async Task The_analyst_reads_the_views_and_no_table_behind_them()
    {
        Assert.Equal(1UL, await ScalarAsync<ulong>(Analyst(), "SELECT count() FROM v_dossiers WHERE dossier_id = 'D1'"));

        foreach (var sql in new[]
                 {
                     "SELECT count() FROM events", "SELECT password_hash FROM dashboard_users", "SELECT count() FROM dossier_state",
                     "SELECT name FROM system.users", "SELECT * FROM file('/etc/hostname', 'LineAsString')",
                     "SELECT * FROM url('http://127.0.0.1:9/', 'LineAsString')",
                 })
        {
            var refused = await Assert.ThrowsAsync<ClickHouseServerException>(() => ScalarAsync<string>(Analyst(), sql));
            Assert.True(refused.ErrorCode == AccessDenied, $"{sql}: {refused.Message}");
        }
    }

    [Fact]
    public async Task The_analyst_cannot_write_nor_lift_its_limits()
    {
        foreach (var (setting, value) in new (string, object)[]
                 {
                     ("readonly", 0), ("max_execution_time", 3600), ("max_execution_time", 0), ("max_memory_usage", 0), ("max_result_rows", 0),
                     ("allow_introspection_functions", 1),
                 })
        {
            var options = new QueryOptions { CustomSettings = new Dictionary<string, object> { [setting] = value } };
            var refused = await Assert.ThrowsAsync<ClickHouseServerException>(() => AnalystClient().ExecuteScalarAsync("SELECT 1", null, options, TestContext.Current.CancellationToken));
            Assert.Contains(setting, refused.Message, StringComparison.Ordinal);
        }

        Assert.Equal("2", await ScalarAsync<string>(Analyst(), "SELECT toString(getSetting('readonly'))"));
        foreach (var sql in new[] { "CREATE TABLE x (a UInt8) ENGINE = Memory", "CREATE TEMPORARY TABLE x (a UInt8)", "INSERT INTO v_dossiers (dossier_id) VALUES ('x')" })
        {
            var write = await Assert.ThrowsAsync<ClickHouseServerException>(() => ScalarAsync<string>(Analyst(), sql));
            Assert.True(write.ErrorCode is AccessDenied or Readonly, $"{sql}: {write.Message}");
        }
    }

    [Fact]
    public void The_engine_process_is_confined()
    {
        Assert.True(Engine.State.IsConfined, Engine.State.Confinement);
    }

    [Theory]
    [InlineData("analyst")]
    [InlineData("start-up")]
    [InlineData("service")]
    public async Task No_engine_user_reads_files_outside_the_engine_data(string who)
    {
        // ClickHouse's local mode does not check file() against grants: only the confinement stands between a query and
        // the host's files, the store's secrets included.
        ClickHouseConnection Connect() => who switch
        {
            "analyst" => Analyst(),
            "start-up" => StartUp(),
            _ => Store.CreateConnection(),
        };
        foreach (var path in new[] { "/etc/hostname", "/etc/shadow", _layout.UsersSecretFile, "/proc/1/environ" })
        {
            var refused = await Assert.ThrowsAsync<ClickHouseServerException>(() => ScalarAsync<string>(Connect(), $"SELECT length(file('{path}'))"));
            Assert.True(refused.ErrorCode == CannotOpenFile, $"{who} {path}: {refused.Message}");
        }
    }

    [Fact]
    public async Task The_start_up_user_without_a_password_reads_no_table()
    {
        foreach (var sql in new[] { "SELECT count() FROM reform.events", "SELECT password_hash FROM reform.dashboard_users", "SELECT name FROM system.users" })
        {
            var refused = await Assert.ThrowsAsync<ClickHouseServerException>(() => ScalarAsync<string>(StartUp(), sql));
            Assert.True(refused.ErrorCode == AccessDenied, $"{sql}: {refused.Message}");
        }
    }

    [Fact]
    public async Task The_passwords_and_the_engine_files_are_its_owner_s_only_and_the_engine_inherits_no_settings()
    {
        const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        Assert.Equal(OwnerReadWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_layout.SecretsDirectory));
        foreach (var file in new[] { _layout.UsersSecretFile, _layout.StateFile, _layout.EngineConfigFile, _layout.LogFile })
        {
            Assert.True(File.GetUnixFileMode(file) == OwnerReadWrite, $"{file}: {File.GetUnixFileMode(file)}");
        }

        // The engine can read its own environment through file('/proc/self/environ'): connection strings must not be there.
        var environment = await File.ReadAllTextAsync($"/proc/{Engine.State.Pid}/environ", TestContext.Current.CancellationToken);
        Assert.DoesNotContain("REFORM_", environment, StringComparison.Ordinal);
        Assert.DoesNotContain("Password=", environment, StringComparison.Ordinal);
        Assert.DoesNotContain(Engine.Users.ServicePassword, await File.ReadAllTextAsync(_layout.EngineConfigFile, TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Views_defined_by_the_old_start_up_user_are_handed_to_the_service_user()
    {
        // A store migrated before the engine had users: its views were defined by `default`, which now reads nothing.
        var cancellationToken = TestContext.Current.CancellationToken;
        await using (var connection = Store.CreateConnection())
        {
            await connection.ExecuteAsync("ALTER TABLE v_dossiers MODIFY SQL SECURITY DEFINER DEFINER = default");
            await connection.ExecuteAsync("DELETE FROM schema_migrations WHERE version = 8");
        }

        await Assert.ThrowsAsync<ClickHouseServerException>(() => ScalarAsync<ulong>(Analyst(), "SELECT count() FROM v_dossiers"));

        await new MigrationRunner(Store, NullLogger<MigrationRunner>.Instance).RunAsync(Migration.LoadEmbedded(), cancellationToken);

        Assert.Equal(1UL, await ScalarAsync<ulong>(Analyst(), "SELECT count() FROM v_dossiers WHERE dossier_id = 'D1'"));
    }

    private ClickHouseConnection Analyst() => new(Store.AnalystConnectionString);

    private ClickHouseConnection StartUp() => new($"Host=127.0.0.1;Port={Engine.State.HttpPort};Protocol=http;Username=default;Password=");

    private IClickHouseClient AnalystClient() => Store.AnalystClient ?? throw new InvalidOperationException("no analyst user");

    private static async Task<T> ScalarAsync<T>(ClickHouseConnection connection, string sql)
    {
        await using (connection)
        {
            return await connection.ExecuteScalarAsync<T>(new CommandDefinition(sql, cancellationToken: TestContext.Current.CancellationToken))
                ?? throw new InvalidOperationException("no value");
        }
    }
}

using System.Diagnostics;
using System.Text;
using ClickHouse.Driver;
using Dapper;
using Microsoft.Extensions.Logging;
using ReformMetrics.Store.Embedded;
using ReformMetrics.Store.Sharding;

namespace ReformMetrics.Store.Migrations;

/// <summary>
/// Brings the database up to the migrations this program carries: applies the missing ones in version order
/// and records each in <c>schema_migrations</c> with its checksum. Refuses to run when an applied file has
/// changed or when the database holds a migration this program does not know (it is newer than the program).
/// Then applies the repeatable definitions (sql/repeatable) whose text differs from the one recorded in
/// <c>schema_repeatables</c>, and all of them after any numbered migration ran, so that a numbered migration that
/// touches what they define can never leave an older definition in place.
/// </summary>
/// <remarks>
/// A migration is recorded after its last statement, so one that fails half-way runs again from the start
/// next time: write statements that can run twice (IF NOT EXISTS, CREATE OR REPLACE VIEW).
/// Two processes migrating the same embedded store take turns (a file lock); on a server, run
/// <c>reform migrate</c> from one place, as a deployment step.
/// </remarks>
public sealed class MigrationRunner(ClickHouseStore store, ILogger<MigrationRunner> logger)
{
    public async Task<MigrationResult> RunAsync(IReadOnlyList<Migration> migrations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(migrations);
        using var migrateLock = store.Engine is { } engine
            ? await FileLock.AcquireAsync(Path.Combine(engine.Layout.RunDirectory, "migrate.lock"), TimeSpan.FromMinutes(10), cancellationToken).ConfigureAwait(false)
            : null;

        // A sharded store: every statement goes to the nodes itself (see ShardedSchema), the history stays on the service's node.
        await using var nodes = store.Cluster is null ? null : await NodeStores.OpenAsync(store, cancellationToken).ConfigureAwait(false);
        if (nodes is not null)
        {
            await nodes.ExecuteOnEveryNodeAsync($"CREATE DATABASE IF NOT EXISTS {store.Database}", cancellationToken).ConfigureAwait(false);
            await nodes.ExecuteOnEveryNodeAsync($"CREATE DATABASE IF NOT EXISTS {ShardedSchema.ShardDatabase(store.Database)}", cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await ExecuteAsync(store.CreateServerConnection(), $"CREATE DATABASE IF NOT EXISTS {store.Database}", cancellationToken).ConfigureAwait(false);
        }

        foreach (var history in new[] { CreateHistoryTable, CreateRepeatablesTable })
        {
            var sql = SqlScript.Render(history, store.Database, store.Cluster, replicated: nodes?.Replicated ?? false)!;
            if (nodes is null)
            {
                await ExecuteAsync(store.CreateConnection(), sql, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                // On every node: the service may be connected to another replica of its shard later.
                await nodes.ExecuteAsync(new PlannedStatement(store.Database, sql, StatementTarget.EveryNode), null, cancellationToken).ConfigureAwait(false);
            }
        }

        var applied = await ReadAppliedAsync(cancellationToken).ConfigureAwait(false);
        var numbered = migrations.Where(m => !m.Repeatable).ToList();
        Check(numbered, applied);

        var pending = numbered.Where(m => !applied.ContainsKey(m.Version)).ToList();
        var recorded = await ReadRepeatablesAsync(cancellationToken).ConfigureAwait(false);
        var repeat = migrations.Where(m => m.Repeatable && (pending.Count > 0 || recorded.GetValueOrDefault(m.Name) != m.Checksum)).ToList();
        var accessControl = pending.Count + repeat.Count > 0 && await HasWritableAccessStorageAsync(cancellationToken).ConfigureAwait(false);
        var newestApplied = applied.Count == 0 ? 0 : applied.Keys.Max();
        foreach (var migration in pending)
        {
            if (migration.Version < newestApplied)
            {
                logger.LogWarning("Migration {Name} is older than the newest applied ({Version:0000}); applying it now", migration.Name, newestApplied);
            }

            await ApplyAsync(migration, accessControl, nodes, cancellationToken).ConfigureAwait(false);
        }

        foreach (var migration in repeat)
        {
            await ApplyAsync(migration, accessControl, nodes, cancellationToken).ConfigureAwait(false);
        }

        return new MigrationResult(pending.Select(m => m.Name).ToList(), applied.Count, repeat.Select(m => m.Name).ToList());
    }

    private const string CreateHistoryTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations {on_cluster}
        (
            version UInt32,
            name String,
            checksum String,
            applied_at DateTime64(3, 'UTC') DEFAULT now64(3),
            duration_ms UInt64
        )
        ENGINE = {replicated}ReplacingMergeTree
        ORDER BY version
        """;

    // The latest application of each repeatable definition wins (the version column of ReplacingMergeTree).
    private const string CreateRepeatablesTable = """
        CREATE TABLE IF NOT EXISTS schema_repeatables {on_cluster}
        (
            name String,
            checksum String,
            applied_at DateTime64(3, 'UTC') DEFAULT now64(3),
            duration_ms UInt64
        )
        ENGINE = {replicated}ReplacingMergeTree(applied_at)
        ORDER BY name
        """;

    private static void Check(IReadOnlyList<Migration> migrations, IReadOnlyDictionary<int, AppliedMigration> applied)
    {
        var known = migrations.ToDictionary(m => m.Version);
        foreach (var (version, record) in applied.OrderBy(a => a.Key))
        {
            if (!known.TryGetValue(version, out var migration))
            {
                throw new MigrationException(
                    $"Cơ sở dữ liệu đã áp dụng migration {record.Name} mà chương trình này không có: " +
                    "cơ sở dữ liệu mới hơn chương trình. Hãy dùng phiên bản ReformMetrics mới hơn.");
            }

            if (migration.Checksum != record.Checksum)
            {
                throw new MigrationException(
                    $"Migration {migration.Name} đã được áp dụng nhưng tệp đã bị sửa sau đó " +
                    $"(mã kiểm tra đã ghi {record.Checksum[..12]}…, tệp hiện tại {migration.Checksum[..12]}…). " +
                    "Không sửa migration đã áp dụng: hãy viết một migration mới.");
            }
        }
    }

    private async Task ApplyAsync(Migration migration, bool accessControl, NodeStores? nodes, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var statements = SqlScript.Split(migration.Script);
        for (var i = 0; i < statements.Count; i++)
        {
            var sql = SqlScript.Render(statements[i], store.Database, store.Cluster, accessControl);
            if (sql is null)
            {
                continue;
            }

            try
            {
                if (nodes is not null)
                {
                    foreach (var planned in ShardedSchema.Plan(statements[i], store.Database, store.Cluster!, accessControl, nodes.Replicated))
                    {
                        await nodes.ExecuteAsync(planned, SqlScript.SeedOf(planned.Sql) is { } shardSeed ? migration.Seed(shardSeed) : null, cancellationToken)
                            .ConfigureAwait(false);
                    }
                }
                else if (SqlScript.SeedOf(sql) is { } seed)
                {
                    await using var body = new MemoryStream(Encoding.UTF8.GetBytes(migration.Seed(seed)));
                    using var response = await store.Client.PostStreamAsync(sql, body, isCompressed: false, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await ExecuteAsync(store.CreateConnection(), sql, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (ClickHouseServerException ex)
            {
                throw new MigrationException(
                    $"Migration {migration.Name}, câu lệnh {i + 1}/{statements.Count} thất bại: {ex.Message}", ex);
            }
        }

        await using var connection = store.CreateConnection();
        await connection.ExecuteAsync(new CommandDefinition(
            migration.Repeatable
                ? "INSERT INTO schema_repeatables (name, checksum, duration_ms) VALUES (@name, @checksum, @duration)"
                : "INSERT INTO schema_migrations (version, name, checksum, duration_ms) VALUES (@version, @name, @checksum, @duration)",
            new { version = (uint)migration.Version, name = migration.Name, checksum = migration.Checksum, duration = (ulong)stopwatch.ElapsedMilliseconds },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        logger.LogInformation("Applied {Kind} {Name} in {Elapsed} ms", migration.Repeatable ? "repeatable definition" : "migration", migration.Name, stopwatch.ElapsedMilliseconds);
    }

    /// <summary>Roles and grants need a SQL-writable access storage; the embedded engine has only its users file.</summary>
    private async Task<bool> HasWritableAccessStorageAsync(CancellationToken cancellationToken)
    {
        await using var connection = store.CreateServerConnection();
        var count = await connection.ExecuteScalarAsync<ulong>(new CommandDefinition(
            "SELECT count() FROM system.user_directories WHERE type IN ('local_directory', 'replicated')",
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (count == 0)
        {
            logger.LogInformation("No SQL-writable access storage: statements marked {Marker} are skipped", SqlScript.AccessControl);
        }

        return count > 0;
    }

    /// <summary>The numbered migrations of <paramref name="migrations"/> the database has not recorded (all of them when it
    /// has no history yet), in version order.</summary>
    public async Task<IReadOnlyList<Migration>> PendingAsync(IReadOnlyList<Migration> migrations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(migrations);
        Dictionary<int, AppliedMigration> applied;
        try
        {
            applied = await ReadAppliedAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ClickHouseServerException ex) when (ex.ErrorCode is 60 or 81)
        {
            // UNKNOWN_TABLE, UNKNOWN_DATABASE: nothing was ever migrated.
            applied = [];
        }

        return migrations.Where(m => !m.Repeatable && !applied.ContainsKey(m.Version)).OrderBy(m => m.Version).ToList();
    }

    private async Task<Dictionary<int, AppliedMigration>> ReadAppliedAsync(CancellationToken cancellationToken)
    {
        await using var connection = store.CreateConnection();
        var rows = await connection.QueryAsync<AppliedMigration>(new CommandDefinition(
            "SELECT toInt32(version) AS Version, name AS Name, checksum AS Checksum FROM schema_migrations FINAL",
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.ToDictionary(r => r.Version);
    }

    private async Task<Dictionary<string, string>> ReadRepeatablesAsync(CancellationToken cancellationToken)
    {
        await using var connection = store.CreateConnection();
        var rows = await connection.QueryAsync<(string Name, string Checksum)>(new CommandDefinition(
            "SELECT name, argMax(checksum, applied_at) FROM schema_repeatables GROUP BY name",
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.ToDictionary(r => r.Name, r => r.Checksum, StringComparer.Ordinal);
    }

    private static async Task ExecuteAsync(System.Data.Common.DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using (connection.ConfigureAwait(false))
        {
            await connection.ExecuteAsync(new CommandDefinition(sql, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }

    private sealed record AppliedMigration(int Version, string Name, string Checksum);
}

/// <summary>What a run applied, how many migrations were already in place, and the repeatable definitions it (re)applied.</summary>
public sealed record MigrationResult(IReadOnlyList<string> Applied, int AlreadyApplied, IReadOnlyList<string> Repeated);

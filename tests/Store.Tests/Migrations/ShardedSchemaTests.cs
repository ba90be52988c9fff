using ReformMetrics.Store.Migrations;
using ReformMetrics.Store.Sharding;

namespace ReformMetrics.Store.Tests.Migrations;

/// <summary>What each kind of migration statement becomes on a sharded store (<see cref="ShardedSchema"/>).</summary>
public sealed class ShardedSchemaTests
{
    [Fact]
    public void A_sharded_table_is_local_in_the_shard_database_and_distributed_by_dossier_in_the_service_database()
    {
        var plan = ShardedSchema.Plan(
            "CREATE TABLE IF NOT EXISTS events {on_cluster} (dossier_id String) ENGINE = {replicated}MergeTree ORDER BY dossier_id", "reform", "c1", true);

        Assert.Collection(
            plan,
            local =>
            {
                Assert.Equal("reform_shard", local.Database);
                Assert.Equal("CREATE TABLE IF NOT EXISTS events  (dossier_id String) ENGINE = MergeTree ORDER BY dossier_id", local.Sql);
                Assert.Equal(StatementTarget.EveryNode, local.Target);
            },
            service =>
            {
                Assert.Equal("reform", service.Database);
                Assert.Equal(
                    "CREATE TABLE IF NOT EXISTS reform.events AS reform_shard.events ENGINE = Distributed(c1, reform_shard, events, cityHash64(dossier_id))",
                    service.Sql);
                Assert.Equal(StatementTarget.EveryNode, service.Target);
            });
    }

    [Fact]
    public void A_pre_aggregate_has_no_sharding_key_so_nothing_can_be_written_to_it_through_the_service_database()
    {
        var plan = ShardedSchema.Plan("CREATE TABLE IF NOT EXISTS kpi_daily_build {on_cluster} AS kpi_daily", "reform", "c1", true);

        Assert.Equal("CREATE TABLE IF NOT EXISTS reform.kpi_daily_build AS reform_shard.kpi_daily_build ENGINE = Distributed(c1, reform_shard, kpi_daily_build)", plan[1].Sql);
    }

    [Fact]
    public void Projections_settings_and_truncation_of_a_sharded_table_stay_in_the_shard_database_but_column_changes_reach_both()
    {
        Assert.Single(ShardedSchema.Plan("ALTER TABLE kpi_monthly {on_cluster} ADD PROJECTION IF NOT EXISTS p (SELECT 1)", "reform", "c1", true));
        Assert.Single(ShardedSchema.Plan("ALTER TABLE kpi_monthly {on_cluster} MODIFY SETTING deduplicate_merge_projection_mode = 'rebuild'", "reform", "c1", true));
        Assert.Single(ShardedSchema.Plan("TRUNCATE TABLE IF EXISTS refresh_watermark {on_cluster}", "reform", "c1", true));

        var added = ShardedSchema.Plan("ALTER TABLE events {on_cluster} ADD COLUMN IF NOT EXISTS x UInt8", "reform", "c1", true);
        Assert.Equal(["reform_shard", "reform"], added.Select(p => p.Database));
    }

    [Fact]
    public void Reference_rows_go_to_every_shard_in_both_databases_and_schema_to_every_node()
    {
        var seed = ShardedSchema.Plan("-- seed: levels.csv\nINSERT INTO levels (code) FORMAT CSVWithNames", "reform", "c1", true);
        var view = ShardedSchema.Plan("CREATE OR REPLACE VIEW v_x {on_cluster} AS SELECT 1", "reform", "c1", true);

        Assert.Equal([StatementTarget.EveryShard, StatementTarget.EveryShard], seed.Select(p => p.Target));
        Assert.Equal(["reform_shard", "reform"], seed.Select(p => p.Database));
        Assert.Equal("levels.csv", SqlScript.SeedOf(seed[0].Sql));
        Assert.Equal([StatementTarget.EveryNode, StatementTarget.EveryNode], view.Select(p => p.Target));
    }

    [Fact]
    public void Grants_are_for_the_service_database_only_and_a_migration_may_not_write_rows_of_a_sharded_table()
    {
        var grant = ShardedSchema.Plan("-- access-control\nGRANT {on_cluster} SELECT ON {database}.v_x TO r", "reform", "c1", true);

        Assert.Equal("reform", Assert.Single(grant).Database);
        Assert.Throws<MigrationException>(() => ShardedSchema.Plan("INSERT INTO events SELECT * FROM old_events", "reform", "c1", true));
    }
}

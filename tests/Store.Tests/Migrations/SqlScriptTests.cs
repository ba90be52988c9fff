using ReformMetrics.Store.Migrations;

namespace ReformMetrics.Store.Tests.Migrations;

public sealed class SqlScriptTests
{
    [Fact]
    public void Splits_on_semicolons_outside_quotes_and_comments()
    {
        const string script = """
            -- leading comment; not a statement
            CREATE TABLE a (x String DEFAULT ';') ENGINE = Memory;
            /* block; comment */
            INSERT INTO a VALUES ('it''s; fine'), ('back\'slash;');
            SELECT "odd;name", `other;name` FROM a -- trailing; comment
            ;
            -- only a comment at the end;
            """;

        var statements = SqlScript.Split(script);

        Assert.Equal(3, statements.Count);
        Assert.StartsWith("-- leading comment; not a statement\nCREATE TABLE a (x String DEFAULT ';')", statements[0], StringComparison.Ordinal);
        Assert.EndsWith("('back\\'slash;')", statements[1], StringComparison.Ordinal);
        Assert.StartsWith("/* block; comment */", statements[1], StringComparison.Ordinal);
        Assert.StartsWith("SELECT \"odd;name\", `other;name` FROM a", statements[2], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SELECT 'open")]
    [InlineData("SELECT 1 /* open")]
    public void Unclosed_quotes_and_comments_are_refused(string script)
    {
        Assert.Throws<MigrationException>(() => SqlScript.Split(script));
    }

    [Fact]
    public void Single_node_rendering_drops_cluster_macros()
    {
        var sql = SqlScript.Render("CREATE TABLE t {on_cluster} (x UInt8) ENGINE = {replicated}ReplacingMergeTree ORDER BY x", "reform", null);

        Assert.Equal("CREATE TABLE t  (x UInt8) ENGINE = ReplacingMergeTree ORDER BY x", sql);
    }

    [Fact]
    public void Cluster_rendering_is_per_node_and_keeps_server_macros()
    {
        // A sharded store's statements are sent to every node by the runner: no ON CLUSTER (no DDL queue in the embedded
        // engine), and one replica per shard.
        var sql = SqlScript.Render(
            "CREATE TABLE t {on_cluster} (x UInt8) ENGINE = {replicated}MergeTree ORDER BY x SETTINGS storage_policy = '{shard}'",
            "reform",
            "reform_cluster");

        Assert.Equal("CREATE TABLE t  (x UInt8) ENGINE = MergeTree ORDER BY x SETTINGS storage_policy = '{shard}'", sql);
    }

    [Fact]
    public void Replicated_shards_get_replicated_engines_with_a_path_of_their_shard_database_and_table()
    {
        var withArguments = SqlScript.Render(
            "CREATE TABLE IF NOT EXISTS t {on_cluster} (x UInt8) ENGINE = {replicated}ReplacingMergeTree(v, d) ORDER BY x", "reform_shard", "c1", replicated: true);
        var without = SqlScript.Render("CREATE TABLE b {on_cluster} AS t ENGINE = {replicated}MergeTree ORDER BY x", "reform", "c1", replicated: true);

        Assert.Equal(
            "CREATE TABLE IF NOT EXISTS t  (x UInt8) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/reform_shard/t', '{replica}', v, d) ORDER BY x",
            withArguments);
        Assert.Equal("CREATE TABLE b  AS t ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/reform/b', '{replica}') ORDER BY x", without);
        Assert.Throws<MigrationException>(() => SqlScript.Render("ALTER TABLE t MODIFY ENGINE {replicated}MergeTree", "reform", "c1", replicated: true));
    }

    [Fact]
    public void Topology_markers_choose_where_a_statement_runs()
    {
        const string distributed = "-- cluster-only\nCREATE TABLE d {on_cluster} AS t ENGINE = Distributed({cluster}, {database}, t, rand())";
        const string local = "-- single-node-only\nCREATE VIEW v AS SELECT 1";

        Assert.Null(SqlScript.Render(distributed, "reform", null));
        Assert.Equal(
            "-- cluster-only\nCREATE TABLE d  AS t ENGINE = Distributed(c1, reform, t, rand())",
            SqlScript.Render(distributed, "reform", "c1"));
        Assert.Equal(local, SqlScript.Render(local, "reform", null));
        Assert.Null(SqlScript.Render(local, "reform", "c1"));
    }

    [Fact]
    public void A_cluster_name_needed_on_a_single_node_is_an_error_not_an_empty_string()
    {
        Assert.Throws<MigrationException>(() => SqlScript.Render("CREATE TABLE d AS t ENGINE = Distributed({cluster}, db, t)", "reform", null));
    }
}

using Dapper;
using ReformMetrics.Store.Refresh;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Store.Tests.DataModel;

/// <summary>
/// The migrations that create the pre-aggregates cannot be generated (an applied migration never changes), so the
/// migrated schema is compared with the declaration the refresh and the metric catalogue's base measures are generated
/// from: a measure without its column, a column without a measure, another type or another order all fail here.
/// </summary>
public sealed class PreAggregateSchemaTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    public static TheoryData<string> Tables() => ["kpi_contributions", "kpi_daily", "kpi_daily_build", "kpi_monthly", "kpi_monthly_build"];

    [Theory]
    [MemberData(nameof(Tables))]
    public async Task The_columns_of_the_pre_aggregates_are_the_declared_keys_and_measures_with_their_types(string table)
    {
        var keys = table switch
        {
            "kpi_contributions" => PreAggregates.ContributionKeys,
            "kpi_daily" or "kpi_daily_build" => PreAggregates.DailyKeys,
            _ => PreAggregates.MonthlyKeys,
        };

        var columns = await ColumnsAsync(table);

        Assert.Equal(keys, columns.Take(keys.Count).Select(c => c.Name));
        Assert.Equal(PreAggregates.Measures.Select(m => (m.Name, table == "kpi_contributions" ? m.Type : m.StoredType)), columns.Skip(keys.Count));
    }

    [Theory]
    [InlineData("kpi_monthly", "kpi_monthly_build")]
    [InlineData("kpi_daily", "kpi_daily_build")]
    public async Task Every_projection_of_a_pre_aggregate_adds_up_every_declared_measure_and_its_build_table_has_the_same(string table, string build)
    {
        var projections = await ProjectionsAsync(table);

        Assert.NotEmpty(projections);
        foreach (var (name, query) in projections)
        {
            // Every measure added up as the refresh adds it up: a projection missing one is never read for a question
            // about it, and one that summed it otherwise would answer wrongly.
            foreach (var measure in PreAggregates.Measures)
            {
                Assert.True(query.Contains(measure.Rollup, StringComparison.Ordinal), $"{table}.{name} does not add up {measure.Name} with {measure.Rollup}: {query}");
            }
        }

        // The refresh swaps the build table's parts in with REPLACE PARTITION, which needs the same projections.
        Assert.Equal(projections, await ProjectionsAsync(build));
    }

    [Fact]
    public async Task The_refresh_copies_every_column_of_the_dossier_state_in_order()
    {
        var columns = await ColumnsAsync("dossier_state");

        Assert.Equal(columns.Select(c => c.Name), DossierRefresher.StateColumns.Split(", "));
    }

    private async Task<List<(string Name, string Query)>> ProjectionsAsync(string table)
    {
        await using var connection = database.Store.CreateConnection();
        return (await connection.QueryAsync<(string, string)>(
            "SELECT name, query FROM system.projections WHERE database = currentDatabase() AND table = @table ORDER BY name",
            new { table })).ToList();
    }

    private async Task<List<(string Name, string Type)>> ColumnsAsync(string table)
    {
        await using var connection = database.Store.CreateConnection();
        return (await connection.QueryAsync<(string, string)>(
            "SELECT name, type FROM system.columns WHERE database = currentDatabase() AND table = @table ORDER BY position",
            new { table })).ToList();
    }
}

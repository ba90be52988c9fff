using ClickHouse.Driver;
using Dapper;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Store.Tests;

/// <summary>A query budget as ClickHouse applies it to the store's connections and clients, and only while it is entered.</summary>
public sealed class QueryBudgetTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private const string Aggregation = "SELECT count() FROM (SELECT number % 100000 AS k, count() FROM numbers(2000000) GROUP BY k)";

    private static readonly QueryBudget Tiny = new(TimeSpan.FromSeconds(1800), MaxMemoryBytes: 1000, MaxResultRows: 5);

    [Fact]
    public async Task Connections_and_clients_carry_the_budget_only_while_it_is_entered()
    {
        var cancel = TestContext.Current.CancellationToken;
        var budget = new QueryBudget(TimeSpan.FromSeconds(12.5), 123_456_789, 4321);

        using (budget.Enter())
        {
            await using var connection = database.Store.CreateConnection();
            var settings = (await connection.QueryAsync<(string Name, string Value)>(new CommandDefinition(
                "SELECT name, value FROM system.settings WHERE name IN ('max_execution_time', 'max_memory_usage', 'max_result_rows', 'result_overflow_mode', 'timeout_overflow_mode') ORDER BY name",
                cancellationToken: cancel))).ToList();
            Assert.Equal(
                [("max_execution_time", "12.5"), ("max_memory_usage", "123456789"), ("max_result_rows", "4321"), ("result_overflow_mode", "throw"), ("timeout_overflow_mode", "throw")],
                settings);
            using var reader = await database.Store.Client.ExecuteReaderAsync("SELECT getSetting('max_result_rows')", null, null, cancel);
            Assert.True(await reader.ReadAsync(cancel));
            Assert.Equal("4321", Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture));
        }

        await using var outside = database.Store.CreateConnection();
        Assert.Equal("0", await outside.ExecuteScalarAsync<string>(new CommandDefinition("SELECT toString(getSetting('max_result_rows'))", cancellationToken: cancel)));
    }

    [Fact]
    public async Task A_query_over_the_memory_budget_is_cut_by_ClickHouse_and_named_as_such()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using (var unbounded = database.Store.CreateConnection())
        {
            Assert.Equal(100_000UL, await unbounded.ExecuteScalarAsync<ulong>(new CommandDefinition(Aggregation, cancellationToken: cancel)));
        }

        using var scope = Tiny.Enter();
        await using var connection = database.Store.CreateConnection();
        var error = await Assert.ThrowsAsync<ClickHouseServerException>(() => connection.ExecuteScalarAsync<ulong>(new CommandDefinition(Aggregation, cancellationToken: cancel)));

        Assert.Contains("MEMORY_LIMIT_EXCEEDED", error.Message, StringComparison.Ordinal);
        Assert.Equal(QueryLimit.Memory, QueryBudget.Exceeded(new InvalidOperationException("wrapped", error)));
    }

    [Fact]
    public async Task Too_many_rows_and_too_much_time_are_cut_and_named()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var connection = database.Store.CreateConnection();
        ClickHouseServerException rows, time;
        using (new QueryBudget(TimeSpan.FromSeconds(1800), long.MaxValue, 5).Enter())
        {
            await using var bounded = database.Store.CreateConnection();
            rows = await Assert.ThrowsAsync<ClickHouseServerException>(() => bounded.QueryAsync<ulong>(new CommandDefinition("SELECT number FROM numbers(10)", cancellationToken: cancel)));
        }

        using (new QueryBudget(TimeSpan.FromMilliseconds(50), long.MaxValue, long.MaxValue).Enter())
        {
            await using var bounded = database.Store.CreateConnection();
            time = await Assert.ThrowsAsync<ClickHouseServerException>(() => bounded.ExecuteScalarAsync<ulong>(new CommandDefinition(
                "SELECT sum(sleepEachRow(0.001)) FROM numbers(2000) SETTINGS max_block_size = 10", cancellationToken: cancel)));
        }

        Assert.Equal((QueryLimit.Rows, QueryLimit.Time), (QueryBudget.Exceeded(rows), QueryBudget.Exceeded(time)));
        Assert.Null(QueryBudget.Exceeded(await Assert.ThrowsAsync<ClickHouseServerException>(() =>
            connection.ExecuteScalarAsync<ulong>(new CommandDefinition("SELECT no_such_column", cancellationToken: cancel)))));
    }
}

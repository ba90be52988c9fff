using Dapper;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Store.Tests;

/// <summary>Background work (the refresh) runs its statements with a lower OS priority, and only while it is entered; a
/// query budget (a reader's request) keeps its own settings.</summary>
public sealed class BackgroundWorkTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task Statements_of_background_work_run_with_a_lower_thread_priority_only_while_it_is_entered()
    {
        var cancel = TestContext.Current.CancellationToken;
        async Task<long> PriorityAsync()
        {
            await using var connection = database.Store.CreateConnection();
            return await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT toInt64(getSetting('os_thread_priority'))", cancellationToken: cancel));
        }

        var before = await PriorityAsync();
        long inside, nested;
        using (BackgroundWork.Enter())
        {
            inside = await PriorityAsync();
            using (new QueryBudget(TimeSpan.FromSeconds(30), 1_000_000_000, 1000).Enter())
            {
                nested = await PriorityAsync();
            }
        }

        var after = await PriorityAsync();

        Assert.Equal(0, before);
        Assert.Equal(BackgroundWork.Nice, inside);
        Assert.Equal(0, nested);
        Assert.Equal(0, after);
    }
}

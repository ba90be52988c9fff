using ReformMetrics.Ingest.Loading;

namespace ReformMetrics.Ingest.Tests;

/// <summary>The rows all loads of a process may hold in batches at once (<see cref="RowBudget"/>).</summary>
public sealed class RowBudgetTests
{
    [Fact]
    public async Task A_taker_waits_until_rows_come_back_and_waiters_are_served_in_order()
    {
        var budget = new RowBudget(100);
        Assert.Equal(60, await budget.TakeAsync(60, TestContext.Current.CancellationToken));
        var large = budget.TakeAsync(80, TestContext.Current.CancellationToken);
        var small = budget.TakeAsync(10, TestContext.Current.CancellationToken); // would fit, but the large one came first

        Assert.False(large.IsCompleted);
        Assert.False(small.IsCompleted);
        budget.Return(60);

        Assert.Equal(80, await large.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken));
        Assert.Equal(10, await small.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_batch_larger_than_the_budget_takes_the_whole_budget_rather_than_waiting_forever()
    {
        var budget = new RowBudget(100);

        Assert.Equal(100, await budget.TakeAsync(250_000, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_cancelled_wait_takes_nothing()
    {
        var budget = new RowBudget(100);
        await budget.TakeAsync(100, TestContext.Current.CancellationToken);
        using var cancel = new CancellationTokenSource();
        var waiting = budget.TakeAsync(50, cancel.Token);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        budget.Return(100);

        Assert.Equal(100, await budget.TakeAsync(100, TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken));
    }
}

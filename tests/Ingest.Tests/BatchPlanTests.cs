using ReformMetrics.Ingest.Loading;

namespace ReformMetrics.Ingest.Tests;

/// <summary>Batch boundaries: the doubling start, and a resumed load that keeps what the ledger recorded.</summary>
public sealed class BatchPlanTests
{
    [Fact]
    public void A_fresh_load_starts_at_an_eighth_of_a_batch_and_doubles_up_to_it()
    {
        var plan = BatchPlan.Fresh(250_000);

        Assert.Equal([31_250L, 62_500, 125_000, 250_000, 250_000], Enumerable.Range(0, 5).Select(n => plan.Rows((uint)n, 1)));
        Assert.Equal([1L, 2, 4, 4, 4], Enumerable.Range(0, 5).Select(n => BatchPlan.Fresh(4).Rows((uint)n, 1)));
    }

    [Fact]
    public void A_source_too_small_to_hold_more_than_a_batch_is_one_batch_and_a_larger_or_compressed_one_starts_small()
    {
        // 7.5 MB, a national folder's average file: at most 234,376 rows of 32 bytes.
        var fits = BatchPlan.Fresh(250_000).ForSource(7_500_000);
        var larger = BatchPlan.Fresh(250_000).ForSource(250_000L * BatchPlan.MinRowBytes);
        var gzip = BatchPlan.Fresh(250_000).ForSource(null);

        Assert.Equal((250_000L, 250_000L), (fits.Rows(0, 1), fits.Rows(1, 250_001)));
        Assert.Equal(234_376L, fits.MaxRows);
        Assert.Equal(31_250L, larger.Rows(0, 1));
        Assert.Equal(31_250L, gzip.Rows(0, 1));
    }

    [Fact]
    public void A_resumed_load_keeps_the_recorded_ranges_and_then_follows_the_schedule()
    {
        // Recorded by an earlier version with uniform batches of 100,000 rows.
        var plan = new BatchPlan(250_000, new Dictionary<uint, RecordedBatch>
        {
            [0] = new(1, 100_000, new BatchOutcome(100_000, 0, 0)),
            [1] = new(100_001, 200_000, new BatchOutcome(99_000, 1_000, 0)),
        });

        Assert.Equal((100_000L, 100_000L), (plan.Rows(0, 1), plan.Rows(1, 100_001)));
        Assert.True(plan.IsDone(1));
        Assert.False(plan.IsDone(2));
        Assert.Equal(125_000L, plan.Rows(2, 200_001));
        var mismatch = Assert.Throws<InvalidOperationException>(() => plan.Rows(1, 90_001));
        Assert.Contains("từ dòng 100001", mismatch.Message, StringComparison.Ordinal);
    }
}

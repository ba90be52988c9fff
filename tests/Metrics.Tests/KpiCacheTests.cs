using ReformMetrics.Metrics.Catalogue;
using Microsoft.Extensions.Logging.Abstractions;
using ReformMetrics.Metrics.Periods;
using ReformMetrics.Metrics.Query;
using ReformMetrics.Store.Refresh;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Metrics.Tests;

/// <summary>The answer cache: shared while the data is unchanged, recomputed once a refresh has happened.</summary>
public sealed class KpiCacheTests(TestDatabase database, TestEngine engine) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task An_answer_is_shared_until_the_data_changes_and_then_recomputed()
    {
        var cancel = TestContext.Current.CancellationToken;
        await EventWriter.WriteAsync(database.Store, "C1", [new Ev("received", "2025-03-03 09:00", "72", Channel: "direct")]);
        var refresher = new DossierRefresher(database.Store, NullLogger<DossierRefresher>.Instance);
        await refresher.RefreshAsync(cancel);
        using var cache = new KpiCache(database.Store, TimeProvider.System);
        var kpi = new KpiService(database.Store, NullLogger<KpiService>.Instance, cache);
        var march = new Selection { Period = Period.Month(2025, 3), Geo = 2008, Provinces = ["72"] };

        var together = await Task.WhenAll(kpi.GetAsync(march, false, cancel), kpi.GetAsync(march, false, cancel));
        var again = await kpi.GetAsync(march, false, cancel);
        await EventWriter.WriteAsync(database.Store, "C2", [new Ev("received", "2025-03-04 09:00", "72", Channel: "online")]);
        await refresher.RefreshAsync(cancel);
        await Task.Delay(TimeSpan.FromSeconds(1.2), cancel);
        var after = await kpi.GetAsync(march, false, cancel);
        var uncached = await kpi.GetAsync(march, false, cancel, useCache: false);

        Assert.Same(together[0], together[1]);
        Assert.Same(together[0], again);
        Assert.Equal(1, again.Groups[0][MetricCatalogue.ReceivedNew]);
        Assert.Equal(2, after.Groups[0][MetricCatalogue.ReceivedNew]);
        Assert.Equal(2, uncached.Groups[0][MetricCatalogue.ReceivedNew]);
    }

    [Fact]
    public async Task While_the_version_is_read_other_requests_use_the_one_read_before_for_at_most_ten_seconds()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var own = new TestDatabase(engine);
        await own.InitializeAsync();
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        using var cache = new KpiCache(own.Store, clock);
        var first = await cache.CurrentAsync(cancel);
        async Task NewRunAsync()
        {
            await using var connection = own.Store.CreateConnection();
            await Dapper.SqlMapper.ExecuteAsync(connection, "INSERT INTO refresh_runs (run, state, kind, dossiers) SELECT (SELECT count() FROM refresh_runs) + 1, 'done', 'incremental', 0");
        }

        // Two seconds later, with a new run: the first request reads the version; one arriving meanwhile does not wait.
        await NewRunAsync();
        clock.Advance(TimeSpan.FromSeconds(2));
        var reading = cache.CurrentAsync(cancel);
        var meanwhile = cache.CurrentAsync(cancel);
        Assert.True(meanwhile.IsCompletedSuccessfully, "a request waited behind the read of the version");
        Assert.Equal(first, await meanwhile);
        var second = await reading;
        Assert.NotEqual(first.Key, second.Key);

        // Eleven seconds later the version read before is too old: a request arriving during the read waits for it.
        await NewRunAsync();
        clock.Advance(TimeSpan.FromSeconds(11));
        reading = cache.CurrentAsync(cancel);
        meanwhile = cache.CurrentAsync(cancel);
        var third = await reading;
        Assert.NotEqual(second.Key, third.Key);
        Assert.Equal(third, await meanwhile);
    }
}

using ReformMetrics.Metrics.Catalogue;
using Microsoft.Extensions.Logging.Abstractions;
using ReformMetrics.Metrics.Periods;
using ReformMetrics.Metrics.Query;
using ReformMetrics.Store.Refresh;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Metrics.Tests;

/// <summary>The answer cache: shared while the data is unchanged, recomputed once a refresh has happened.</summary>
public sealed class KpiCacheTests(TestDatabase database) : IClassFixture<TestDatabase>
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
}

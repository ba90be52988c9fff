using Microsoft.Extensions.Logging.Abstractions;
using ReformMetrics.Store.Refresh;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Store.Tests.DataModel;

/// <summary>What a refresh rebuilds: the cohorts of dossiers whose state misses one of their events, and nothing else,
/// even though each refresh looks back over the last minute of loads.</summary>
public sealed class RefreshTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task A_refresh_right_after_another_rebuilds_nothing_and_a_new_event_rebuilds_only_its_cohort()
    {
        var cancel = TestContext.Current.CancellationToken;
        var refresher = new DossierRefresher(database.Store, NullLogger<DossierRefresher>.Instance);
        await EventWriter.WriteAsync(database.Store, "R-MAR-1", [new Ev("received", "2025-03-03 09:00", "72")]);
        await EventWriter.WriteAsync(database.Store, "R-MAR-2", [new Ev("received", "2025-03-04 09:00", "72")]);
        await EventWriter.WriteAsync(database.Store, "R-APR-1", [new Ev("received", "2025-04-03 09:00", "72")]);

        var first = await refresher.RefreshAsync(cancel);
        var again = await refresher.RefreshAsync(cancel);
        await EventWriter.WriteAsync(database.Store, "R-APR-1", [new Ev("resolved", "2025-04-04 09:00", Id: "R-APR-1-res")]);
        var afterEvent = await refresher.RefreshAsync(cancel);

        Assert.Equal((2, 3UL), (first.Cohorts.Count, first.Dossiers));
        Assert.Equal((0, 0UL), (again.Cohorts.Count, again.Dossiers));
        Assert.Equal([new DateOnly(2025, 4, 1)], afterEvent.Cohorts);
        Assert.Equal(1UL, afterEvent.Dossiers);
    }
}

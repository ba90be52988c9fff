using Microsoft.Extensions.Logging.Abstractions;
using ReformMetrics.Metrics.Catalogue;
using ReformMetrics.Metrics.Periods;
using ReformMetrics.Metrics.Query;
using ReformMetrics.Store.Refresh;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Metrics.Tests;

/// <summary>The read gate: the engine computes at most its number of answers at once; the others wait for a place.</summary>
public sealed class KpiReadGateTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task An_answer_waits_while_every_place_is_taken_and_is_computed_once_one_is_given_back()
    {
        var cancel = TestContext.Current.CancellationToken;
        await EventWriter.WriteAsync(database.Store, "G1", [new Ev("received", "2025-05-06 09:00", "72", Channel: "online")]);
        await new DossierRefresher(database.Store, NullLogger<DossierRefresher>.Instance).RefreshAsync(cancel);
        using var gate = new KpiReadGate(1);
        var kpi = new KpiService(database.Store, NullLogger<KpiService>.Instance) { ReadGate = gate };
        var may = new Selection { Period = Period.Month(2025, 5), Geo = 2008, Provinces = ["72"] };

        var held = await gate.EnterAsync(cancel);
        var waiting = kpi.GetAsync(may, false, cancel, metrics: [MetricCatalogue.ReceivedNew]);
        // Long enough for the statement to have run several times over had it not waited.
        await Task.Delay(TimeSpan.FromSeconds(1.5), cancel);
        var completedWhileHeld = waiting.IsCompleted;
        held.Dispose();
        var answer = await waiting;
        var next = await kpi.GetAsync(may, false, cancel, metrics: [MetricCatalogue.ReceivedNew]);

        Assert.False(completedWhileHeld);
        Assert.Equal(1, answer.Groups[0][MetricCatalogue.ReceivedNew]);
        Assert.Equal(1, next.Groups[0][MetricCatalogue.ReceivedNew]);
    }

    [Theory]
    [InlineData(0, -1)]
    [InlineData(1, 1)]
    [InlineData(6, 6)]
    public void The_places_are_the_setting_or_the_cores(int setting, int expected)
    {
        using var gate = KpiReadGate.From(new KpiOptions { ConcurrentReads = setting });

        Assert.Equal(expected > 0 ? expected : Math.Max(2, Environment.ProcessorCount), gate.Slots);
    }
}

using Microsoft.Extensions.Logging.Abstractions;
using ReformMetrics.Metrics.Catalogue;
using ReformMetrics.Metrics.Periods;
using ReformMetrics.Metrics.Query;
using ReformMetrics.Metrics.Query.Mirror;

namespace ReformMetrics.Metrics.Tests;

/// <summary>The formulas evaluated in the service from the month rows equal the engine's evaluation of the same formulas,
/// exactly (the same doubles), on every dossier metric, grouping, source, geography and bucket.</summary>
public sealed partial class GeneratedDataTests
{
    [Fact]
    public async Task Every_metric_evaluated_in_process_equals_the_engine_for_every_grouping_source_and_geography()
    {
        var cancel = TestContext.Current.CancellationToken;
        var engine = await KpiSnapshot.TakeAsync(loaded.Database.Store, Months, cancel, inProcessFormulas: false);
        var inProcess = await KpiSnapshot.TakeAsync(loaded.Database.Store, Months, cancel, inProcessFormulas: true);
        using var mirror = new RollupMirror(loaded.Database.Store, NullLogger<RollupMirror>.Instance);
        var mirrored = await KpiSnapshot.TakeAsync(loaded.Database.Store, Months, cancel, inProcessFormulas: true, mirror);

        Assert.True(engine.Count > 10_000, $"only {engine.Count} values compared");
        var filled = engine.Values.Count(v => v is not null and not 0);
        Assert.True(filled > 100_000, $"only {filled} of {engine.Count} values are neither empty nor 0: the comparison proves little");
        var differences = KpiSnapshot.Differences(engine, inProcess);
        Assert.True(differences.Count == 0, $"{differences.Count} differences:\n{string.Join('\n', differences.Take(20))}");
        differences = KpiSnapshot.Differences(engine, mirrored);
        Assert.True(differences.Count == 0, $"{differences.Count} differences from the mirror:\n{string.Join('\n', differences.Take(20))}");
    }

    public static TheoryData<string> Questions() =>
        ["overview", "province page by sector", "quarters by level", "channel filter", "agencies of two provinces", "old geography", "late months by agency",
         "late months by province and month"];

    [Theory]
    [MemberData(nameof(Questions))]
    public async Task Pages_with_comparisons_and_filters_evaluated_in_process_equal_the_engine(string question)
    {
        var quarter = Period.Range(new DateOnly(2025, 7, 1), new DateOnly(2025, 9, 30));
        var late = Period.Range(new DateOnly(2025, 7, 1), new DateOnly(2025, 8, 31));
        var (selection, compare) = question switch
        {
            "overview" => (new Selection { Period = Months, GroupBy = [Dimension.Province] }, true),
            "province page by sector" => (new Selection { Period = quarter, Provinces = ["01"], GroupBy = [Dimension.Sector] }, true),
            "quarters by level" => (new Selection { Period = Months, GroupBy = [Dimension.Level], Grain = TimeGrain.Quarter }, false),
            "channel filter" => (new Selection { Period = Months, Channels = ["online"], Levels = ["commune"], GroupBy = [Dimension.Province] }, true),
            "agencies of two provinces" => (new Selection { Period = Months, Provinces = ["01", "79"], GroupBy = [Dimension.Agency] }, true),
            "old geography" => (new Selection { Period = quarter, Geo = 2008, GroupBy = [Dimension.Province, Dimension.Channel] }, true),
            // Periods that start after the data: the months before them are folded into one row per group (stocks only).
            "late months by agency" => (new Selection { Period = late, Provinces = ["01", "79"], GroupBy = [Dimension.Agency] }, false),
            _ => (new Selection { Period = late, GroupBy = [Dimension.Province], Grain = TimeGrain.Month }, false),
        };

        var engine = await AnswerAsync(selection, compare, inProcess: false);
        using var mirror = new RollupMirror(loaded.Database.Store, NullLogger<RollupMirror>.Instance);
        foreach (var inProcess in new[] { await AnswerAsync(selection, compare, inProcess: true), await AnswerAsync(selection, compare, inProcess: true, mirror) })
        {
            Assert.True(engine.Groups.Count > 1, $"{question}: only {engine.Groups.Count} groups");
            Assert.Equal(engine.Groups.Select(g => (g.Keys, g.Period)), inProcess.Groups.Select(g => (g.Keys, g.Period)));
            for (var i = 0; i < engine.Groups.Count; i++)
            {
                Assert.Equal(engine.Groups[i].Values, inProcess.Groups[i].Values);
                Assert.Equal(engine.Groups[i].Previous, inProcess.Groups[i].Previous);
                Assert.Equal(engine.Groups[i].YearAgo, inProcess.Groups[i].YearAgo);
            }
        }
    }

    private Task<KpiResult> AnswerAsync(Selection selection, bool compare, bool inProcess, RollupMirror? mirror = null) =>
        new KpiService(loaded.Database.Store, NullLogger<KpiService>.Instance) { InProcessFormulas = inProcess, RollupMirror = mirror }
            .GetAsync(selection, compare, TestContext.Current.CancellationToken);
}

using System.Globalization;
using System.Reflection;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ReformMetrics.Store.Refresh;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Store.Tests.DataModel;

/// <summary>
/// 100,000 synthetic dossiers (SyntheticEvents.sql) arriving in ten batches in scrambled order, refreshed
/// twice on the way: the materialised state must equal the live view, the aggregates must equal a fresh
/// aggregation, and every month's counts per province must equal an independent C# computation from the raw events.
/// </summary>
public sealed class SyntheticDataTests(TestEngine engine)
{
    private TestDatabase database = null!;

    private const int Dossiers = 100_000;
    private static readonly int[] FirstBatches = [3, 7, 1];
    private static readonly int[] LaterBatches = [9, 0, 5, 2, 8, 6, 4];

    [Theory]
    [InlineData(RefreshKind.Incremental)]
    [InlineData(RefreshKind.Cohorts)]
    public async Task State_and_aggregates_of_100000_dossiers_match_an_independent_computation_whatever_the_arrival_order(RefreshKind kind)
    {
        // A database per case: the two ways of refreshing must each start from nothing.
        await using var own = new TestDatabase(engine);
        await own.InitializeAsync();
        database = own;
        var limit = new RefreshOptions { IncrementalLimit = kind == RefreshKind.Incremental ? 1_000_000 : 0 };
        var refresher = new DossierRefresher(database.Store, NullLogger<DossierRefresher>.Instance, Options.Create(limit));
        foreach (var batch in FirstBatches)
        {
            await LoadBatchAsync(batch);
        }

        await refresher.RefreshAsync(TestContext.Current.CancellationToken);
        foreach (var batch in LaterBatches)
        {
            await LoadBatchAsync(batch);
        }

        var refreshed = await refresher.RefreshAsync(TestContext.Current.CancellationToken);
        Assert.Equal(kind, refreshed.Kind);
        Assert.True(refreshed.Dossiers >= Dossiers * 90UL / 100, $"only {refreshed.Dossiers} dossiers refreshed");

        await AssertSameRowsAsync($"SELECT {StateColumns} FROM dossier_state", $"SELECT {StateColumns} FROM v_dossier_state_live");
        await AssertSameRowsAsync(
            $"SELECT {DailyKeys}, {Net} FROM kpi_daily GROUP BY {DailyKeys} {NonZero}",
            $"SELECT {DailyKeys}, {Net} FROM kpi_contributions WHERE run = 0 GROUP BY {DailyKeys} {NonZero}");
        await AssertSameRowsAsync(
            $"SELECT {MonthlyKeys}, {Net} FROM kpi_monthly GROUP BY {MonthlyKeys} {NonZero}",
            $"SELECT {MonthlyKeys.Replace("month", "toStartOfMonth(day) AS month", StringComparison.Ordinal)}, {Net} FROM kpi_daily GROUP BY {MonthlyKeys} {NonZero}");

        var model = await ReferenceModel.LoadAsync(database.Store, TestContext.Current.CancellationToken);
        var events = await ReferenceModel.ReadEventsAsync(database.Store);
        var dossiers = events.GroupBy(e => e.Dossier).Select(model.Compute).OfType<ReferenceModel.Dossier>().ToList();
        Assert.InRange(dossiers.Count, Dossiers * 98 / 100, Dossiers);

        var mismatches = new List<string>();
        for (var month = new DateOnly(2025, 1, 1); month <= new DateOnly(2026, 2, 1); month = month.AddMonths(1))
        {
            var expected = Expected(dossiers, month);
            var actual = await FromAggregatesAsync(month);
            foreach (var province in expected.Keys.Union(actual.Keys))
            {
                var e = expected.GetValueOrDefault(province);
                var a = actual.GetValueOrDefault(province);
                if (e != a)
                {
                    mismatches.Add($"{month:yyyy-MM} {province}: expected {e}, aggregates {a}");
                }

                Assert.Equal(a.CarriedOver + a.Received, a.Early + a.OnTime + a.Overdue + a.Withdrawn + a.InProgress);
            }
        }

        Assert.True(mismatches.Count == 0, string.Join('\n', mismatches.Take(10)));
    }

    private record struct Counts(
        long CarriedOver, long Received, long Early, long OnTime, long Overdue, long Overdue766, long Withdrawn, long InProgress,
        long InProgressOverdue, long ReturnedPostal, long Satisfied, long Dissatisfied, long WithFee, long Paid);

    private static Dictionary<string, Counts> Expected(List<ReferenceModel.Dossier> dossiers, DateOnly month)
    {
        var last = month.AddMonths(1).AddDays(-1);
        var before = month.AddDays(-1);
        bool In(DateTime? at) => at is { } t && DateOnly.FromDateTime(t) >= month && DateOnly.FromDateTime(t) <= last;
        bool Pending(ReferenceModel.Dossier d, DateOnly day) =>
            DateOnly.FromDateTime(d.ReceivedAt) <= day && (d.EndedAt is null || DateOnly.FromDateTime(d.EndedAt.Value) > day);
        bool Overdue(ReferenceModel.Dossier d, DateOnly day) => d.OverdueFrom <= day && (d.OverdueUntil is null || d.OverdueUntil > day);

        return dossiers.GroupBy(d => d.Province2025).ToDictionary(g => g.Key, g => new Counts(
            g.LongCount(d => Pending(d, before)),
            g.LongCount(d => In(d.ReceivedAt)),
            g.LongCount(d => d.Status == "resolved" && In(d.EndedAt) && d.Class == "early"),
            g.LongCount(d => d.Status == "resolved" && In(d.EndedAt) && d.Class == "on_time"),
            g.LongCount(d => d.Status == "resolved" && In(d.EndedAt) && d.Class == "overdue"),
            g.LongCount(d => d.Status == "resolved" && In(d.EndedAt) && d.Class766 == "overdue"),
            g.LongCount(d => d.Status == "withdrawn" && In(d.EndedAt)),
            g.LongCount(d => Pending(d, last)),
            g.LongCount(d => Overdue(d, last)),
            g.LongCount(d => In(d.ReturnedAt) && d.ReturnChannel == "postal"),
            g.LongCount(d => In(d.RatedAt) && d.Rating is "very_satisfied" or "satisfied"),
            g.LongCount(d => In(d.RatedAt) && d.Rating == "dissatisfied"),
            g.LongCount(d => In(d.ReceivedAt) && d.Fee),
            g.LongCount(d => In(d.ReceivedAt) && d.Fee && d.Paid)))
            .Where(kv => kv.Value != default)
            .ToDictionary(kv => kv.Key, kv => kv.Value);
    }

    private async Task<Dictionary<string, Counts>> FromAggregatesAsync(DateOnly month)
    {
        await using var connection = database.Store.CreateConnection();
        var rows = await connection.QueryAsync<(string Province, long C, long R, long E, long O, long V, long V766, long W, long P, long PO, long RP, long S, long D, long F, long Pd)>(
            """
            SELECT toString(province_2025),
                   toInt64(sumIf(pending_delta, month < toDate(@m))),
                   toInt64(sumIf(received, month = toDate(@m))),
                   toInt64(sumIf(resolved_early, month = toDate(@m))),
                   toInt64(sumIf(resolved_on_time, month = toDate(@m))),
                   toInt64(sumIf(resolved_overdue, month = toDate(@m))),
                   toInt64(sumIf(resolved_overdue_766, month = toDate(@m))),
                   toInt64(sumIf(withdrawn, month = toDate(@m))),
                   toInt64(sumIf(pending_delta, month <= toDate(@m))),
                   toInt64(sumIf(pending_overdue_delta, month <= toDate(@m))),
                   toInt64(sumIf(returned_postal, month = toDate(@m))),
                   toInt64(sumIf(rated_very_satisfied + rated_satisfied, month = toDate(@m))),
                   toInt64(sumIf(rated_dissatisfied, month = toDate(@m))),
                   toInt64(sumIf(with_fee, month = toDate(@m))),
                   toInt64(sumIf(paid_online, month = toDate(@m)))
            FROM kpi_monthly GROUP BY province_2025
            """,
            new { m = month.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) });
        return rows.Select(r => (r.Province, Counts: new Counts(r.C, r.R, r.E, r.O, r.V, r.V766, r.W, r.P, r.PO, r.RP, r.S, r.D, r.F, r.Pd)))
            .Where(r => r.Counts != default)
            .ToDictionary(r => r.Province, r => r.Counts);
    }

    private async Task LoadBatchAsync(int batch)
    {
        var sql = Script().Replace("{dossiers}", Dossiers.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{batch}", batch.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        await using var connection = database.Store.CreateConnection();
        await connection.ExecuteAsync(sql);
    }

    /// <summary>Both queries return the same rows (as sets); on failure, shows a few rows each side lacks.</summary>
    private async Task AssertSameRowsAsync(string left, string right)
    {
        await using var connection = database.Store.CreateConnection();
        async Task<List<string>> OnlyInAsync(string a, string b) =>
            (await connection.QueryAsync<string>($"SELECT toString(tuple(*)) FROM (({a}) EXCEPT ({b})) LIMIT 3")).ToList();

        var onlyLeft = await OnlyInAsync(left, right);
        var onlyRight = await OnlyInAsync(right, left);
        Assert.True(onlyLeft.Count == 0 && onlyRight.Count == 0,
            $"only in {left[..40]}...:\n{string.Join('\n', onlyLeft)}\nonly in {right[..40]}...:\n{string.Join('\n', onlyRight)}");
    }

    private static string Script()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("SyntheticEvents.sql")!;
        using var reader = new StreamReader(stream);
        return string.Join('\n', reader.ReadToEnd().Split('\n').Where(line => !line.StartsWith("--", StringComparison.Ordinal)));
    }

    // Every column but last_ingested_at, which records when the rows were built.
    private static readonly string StateColumns = DossierRefresher.StateColumns.Replace(", last_ingested_at", string.Empty, StringComparison.Ordinal);

    private const string DailyKeys = "cohort, day, province_2025, province_2008, level, agency_code, sector_code, procedure_code, channel";
    private const string MonthlyKeys = "cohort, month, province_2025, province_2008, level, sector_code, channel";

    // What the rows of a key add up to (the pre-aggregates hold signed delta rows until their merges add them up), zero
    // entries and keys that add up to nothing left out.
    private static readonly string Net = string.Join(", ", PreAggregates.Measures.Select(m =>
        m.IsMap ? $"mapFilter((k, v) -> v != 0, sumMap({m.Name}))" : $"sum({m.Name})"));

    private static readonly string NonZero = "HAVING NOT (" + string.Join(" AND ", PreAggregates.Measures.Select(m =>
        m.IsMap ? $"empty(mapFilter((k, v) -> v != 0, sumMap({m.Name})))" : $"sum({m.Name}) = 0")) + ")";
}

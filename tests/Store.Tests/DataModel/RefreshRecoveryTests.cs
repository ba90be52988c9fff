using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ReformMetrics.Store.Refresh;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Store.Tests.DataModel;

/// <summary>
/// What the incremental refresh promises beyond the arithmetic: a late event costs its dossier, not its month; a run
/// killed half-way is repaired by the next refresh; a dossier moved to another cohort by its late received event
/// leaves no row behind; the watermark is not rewritten at every idle pass.
/// </summary>
public sealed class RefreshRecoveryTests(TestEngine engine) : IAsyncLifetime
{
    private readonly TestDatabase _database = new(engine);

    public ValueTask InitializeAsync() => _database.InitializeAsync();

    public ValueTask DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task A_late_event_recomputes_its_dossier_only_and_the_aggregates_follow()
    {
        var cancel = TestContext.Current.CancellationToken;
        var refresher = Refresher();
        for (var i = 0; i < 40; i++)
        {
            await EventWriter.WriteAsync(_database.Store, $"M-{i}", [new Ev("received", $"2025-03-{3 + (i % 20):D2} 09:00", "72", Due: "2025-04-30 17:00")]);
        }

        var first = await refresher.RefreshAsync(cancel);
        await EventWriter.WriteAsync(_database.Store, "M-7", [new Ev("resolved", "2025-03-28 10:00", Id: "M-7-res")]);
        var late = await refresher.RefreshAsync(cancel);

        Assert.Equal((RefreshKind.Incremental, 40UL), (first.Kind, first.Dossiers));
        Assert.Equal((RefreshKind.Incremental, 1UL), (late.Kind, late.Dossiers));
        Assert.Equal((40L, 1L, 39L), await MarchAsync());
    }

    [Fact]
    public async Task A_run_killed_after_writing_part_of_its_delta_is_repaired_by_the_next_refresh()
    {
        var cancel = TestContext.Current.CancellationToken;
        await EventWriter.WriteAsync(_database.Store, "K-1", [new Ev("received", "2025-03-03 09:00", "72")]);
        await Refresher().RefreshAsync(cancel);
        await using (var connection = _database.Store.CreateConnection())
        {
            // What a run killed between its journal entry and its last insert leaves: staged, and a delta row written.
            await connection.ExecuteAsync(
                "INSERT INTO refresh_runs (run, state, kind, cohorts, dossiers) SELECT max(run) + 1, 'staged', 'incremental', [toDate('2025-03-01')], 1 FROM refresh_runs");
            await connection.ExecuteAsync(
                """
                INSERT INTO kpi_monthly (cohort, month, province_2025, province_2008, level, sector_code, channel, received, pending_delta)
                SELECT cohort, month, province_2025, province_2008, level, sector_code, channel, 1, 1 FROM kpi_monthly LIMIT 1
                """);
        }

        var before = await MarchAsync();
        var after = await Refresher().RefreshAsync(cancel);

        Assert.Equal(2L, before.Received);
        Assert.Equal((1L, 0L, 1L), await MarchAsync());
        Assert.Equal(RefreshKind.None, after.Kind);
        await using var check = _database.Store.CreateConnection();
        Assert.Equal(0UL, await check.ExecuteScalarAsync<ulong>(
            "SELECT count() FROM (SELECT run FROM refresh_runs GROUP BY run HAVING countIf(state = 'done') = 0)"));
    }

    [Fact]
    public async Task A_dossier_moved_out_of_the_incomplete_cohort_by_its_late_receipt_leaves_no_row_behind()
    {
        var cancel = TestContext.Current.CancellationToken;
        await EventWriter.WriteAsync(_database.Store, "L-1", [new Ev("resolved", "2025-03-10 10:00", Id: "L-1-res")]);
        await Refresher().RefreshAsync(cancel);
        await EventWriter.WriteAsync(_database.Store, "L-1", [new Ev("received", "2025-03-03 09:00", "72", Due: "2025-03-20 17:00")]);
        await Refresher().RefreshAsync(cancel);

        await using var connection = _database.Store.CreateConnection();
        Assert.Equal(["2025-03-01 resolved"], await connection.QueryAsync<string>(
            "SELECT concat(toString(cohort), ' ', toString(status)) FROM dossier_state WHERE dossier_id = 'L-1'"));
        Assert.Equal((1L, 1L, 0L), await MarchAsync());
    }

    [Fact]
    public async Task An_event_that_becomes_visible_after_a_later_one_of_its_dossier_is_still_applied()
    {
        // One insert's parts (one per month) are committed one after the other with the same ingested_at; concurrent
        // inserts can commit in the opposite order of their times. Here the refresh sees the resolution first.
        var cancel = TestContext.Current.CancellationToken;
        await EventWriter.WriteAsync(_database.Store, "V-1", [new Ev("received", "2025-03-03 09:00", "72", Due: "2025-03-20 17:00")]);
        await using var connection = _database.Store.CreateConnection();
        var at = await connection.ExecuteScalarAsync<string>("SELECT toString(now64(6, 'UTC'))") ?? "";
        await InsertAtAsync("V-1-res", "resolved", "2025-04-10 10:00", at);
        await Refresher().RefreshAsync(cancel);
        await InsertAtAsync("V-1-due", "due_changed", "2025-03-19 10:00", at, due: "2025-04-30 17:00");
        var late = await Refresher().RefreshAsync(cancel);

        Assert.Equal(1UL, late.Dossiers);
        Assert.Equal("early", await connection.ExecuteScalarAsync<string>("SELECT toString(resolution_class) FROM dossier_state WHERE dossier_id = 'V-1'"));

        async Task InsertAtAsync(string id, string type, string occurred, string ingested, string? due = null) =>
            await connection.ExecuteAsync(
                """
                INSERT INTO events (event_id, dossier_id, event_type, occurred_at, due_at, outcome, source, ingested_at)
                SELECT @id, 'V-1', @type, parseDateTime64BestEffort(@occurred, 3, 'Asia/Ho_Chi_Minh'),
                       parseDateTime64BestEffortOrNull(@due, 3, 'Asia/Ho_Chi_Minh'), if(@type = 'resolved', 'approved', NULL), 'test',
                       toDateTime64(@ingested, 6, 'UTC')
                """, new { id, type, occurred, due, ingested });
    }

    [Fact]
    public async Task Idle_passes_do_not_write_the_watermark_each_time()
    {
        var cancel = TestContext.Current.CancellationToken;
        var refresher = Refresher();
        await EventWriter.WriteAsync(_database.Store, "I-1", [new Ev("received", "2025-03-03 09:00", "72")]);
        await refresher.RefreshAsync(cancel);
        var written = await WatermarksAsync();
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(RefreshKind.None, (await refresher.RefreshAsync(cancel)).Kind);
        }

        Assert.Equal(written, await WatermarksAsync());
    }

    private DossierRefresher Refresher() =>
        new(_database.Store, NullLogger<DossierRefresher>.Instance, Options.Create(new RefreshOptions()));

    /// <summary>March 2025 in the monthly aggregate: received, resolved, still in progress at the end of the month.</summary>
    private async Task<(long Received, long Resolved, long Pending)> MarchAsync()
    {
        await using var connection = _database.Store.CreateConnection();
        return await connection.QuerySingleAsync<(long, long, long)>(
            """
            SELECT sum(received), sum(resolved_early + resolved_on_time + resolved_overdue), sum(pending_delta)
            FROM kpi_monthly WHERE month = '2025-03-01'
            """);
    }

    private async Task<ulong> WatermarksAsync()
    {
        await using var connection = _database.Store.CreateConnection();
        return await connection.ExecuteScalarAsync<ulong>("SELECT count() FROM refresh_watermark");
    }
}

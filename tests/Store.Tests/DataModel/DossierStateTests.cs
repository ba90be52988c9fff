using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using ReformMetrics.Store.Refresh;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Store.Tests.DataModel;

/// <summary>
/// Event sequences and the dossier state they must give, worked out by hand. March 2025 has no holidays:
/// Monday 3 is the receipt, Thursday 6 the usual deadline (procedure DEMO.HT.004: 3 working days).
/// </summary>
public sealed class DossierStateTests(DossierStateTests.Scenarios scenarios) : IClassFixture<DossierStateTests.Scenarios>
{
    private readonly TestDatabase database = scenarios.Database;

    /// <summary>Writes every case's events, then refreshes once: the cases are read, not rebuilt one by one.</summary>
    public sealed class Scenarios(TestEngine engine) : IAsyncLifetime
    {
        public TestDatabase Database { get; } = new(engine);

        public async ValueTask InitializeAsync()
        {
            await Database.InitializeAsync();
            foreach (var (dossierId, events, _) in All)
            {
                await EventWriter.WriteAsync(Database.Store, dossierId, events);
            }

            await new DossierRefresher(Database.Store, NullLogger<DossierRefresher>.Instance).RefreshAsync(TestContext.Current.CancellationToken);
        }

        public ValueTask DisposeAsync() => Database.DisposeAsync();
    }

    public sealed record Expected(
        string Status,
        string? Class = null,
        string? Class766 = null,
        string? Due = null,
        int? ProcessingWd = null,
        int WaitWd = 0,
        string Province2025 = "01",
        string Province2008 = "01",
        string[]? Anomalies = null,
        bool Paused = false,
        string? Rating = null,
        string? ReturnChannel = null,
        int? OverdueWd = null);

    private const string Received = "2025-03-03 09:00";
    private const string Due = "2025-03-06 17:00";

    private static readonly (string Id, Ev[] Events, Expected Expected)[] All =
    [
        ("early", [new("received", Received, Due: Due), new("resolved", "2025-03-05 15:00")],
            new("resolved", "early", "early", "2025-03-06 17:00:00", ProcessingWd: 2)),
        ("on_time_same_day", [new("received", Received, Due: Due), new("resolved", "2025-03-06 16:59")],
            new("resolved", "on_time", "on_time", "2025-03-06 17:00:00", ProcessingWd: 3)),
        ("overdue_same_day_after_the_hour", [new("received", Received, Due: Due), new("resolved", "2025-03-06 17:30")],
            new("resolved", "overdue", "overdue", "2025-03-06 17:00:00", ProcessingWd: 3, OverdueWd: 0)),
        ("overdue_next_week", [new("received", Received, Due: Due), new("resolved", "2025-03-11 10:00")],
            new("resolved", "overdue", "overdue", "2025-03-06 17:00:00", ProcessingWd: 6, OverdueWd: 3)),
        ("every_event_twice", [new("received", Received, Due: Due, Id: "twice-r"), new("received", Received, Due: Due, Id: "twice-r"),
                                new("resolved", "2025-03-05 15:00", Id: "twice-x"), new("resolved", "2025-03-05 15:00", Id: "twice-x")],
            new("resolved", "early", "early", "2025-03-06 17:00:00", ProcessingWd: 2, Anomalies: ["duplicate_events"])),
        ("resolved_stamped_before_receipt", [new("received", Received, Due: Due), new("resolved", "2025-03-03 07:00")],
            new("resolved", "early", "early", "2025-03-06 17:00:00", ProcessingWd: 0, Anomalies: ["ended_before_received"])),
        ("second_resolution_ignored", [new("received", Received, Due: Due), new("resolved", "2025-03-05 15:00"), new("resolved", "2025-03-12 10:00")],
            new("resolved", "early", "early", "2025-03-06 17:00:00", ProcessingWd: 2, Anomalies: ["several_resolved"])),
        ("deadline_moved_before_the_end", [new("received", Received, Due: Due), new("due_changed", "2025-03-05 10:00", Due: "2025-03-13 17:00"),
                                            new("resolved", "2025-03-12 10:00")],
            new("resolved", "early", "early", "2025-03-13 17:00:00", ProcessingWd: 7)),
        ("deadline_moved_after_the_end", [new("received", Received, Due: Due), new("resolved", "2025-03-11 10:00"),
                                           new("due_changed", "2025-03-12 10:00", Due: "2025-03-20 17:00")],
            new("resolved", "overdue", "overdue", "2025-03-06 17:00:00", ProcessingWd: 6, OverdueWd: 3, Anomalies: ["due_changed_after_end"])),
        // No due_at: 3 working days from Monday 3; waiting Tuesday 4 10:00 to Thursday 6 10:00 adds 2 working days.
        ("supplement_pauses_the_clock", [new("received", Received), new("supplement_requested", "2025-03-04 10:00"),
                                          new("supplement_received", "2025-03-06 10:00"), new("resolved", "2025-03-10 16:00")],
            new("resolved", "on_time", "on_time", "2025-03-10 17:00:00", ProcessingWd: 3, WaitWd: 2)),
        // Waits of 1 (Tue-Wed) and 2 (Wed-Fri) working days move Thursday 6 to Tuesday 11; two requests are overdue for 766.
        ("two_supplement_requests", [new("received", Received, Due: Due), new("supplement_requested", "2025-03-04 10:00"),
                                      new("supplement_received", "2025-03-05 10:00"), new("supplement_requested", "2025-03-05 15:00"),
                                      new("supplement_received", "2025-03-07 09:00"), new("resolved", "2025-03-10 12:00")],
            new("resolved", "early", "overdue", "2025-03-11 17:00:00", ProcessingWd: 2, WaitWd: 3)),
        ("waiting_for_the_applicant_now", [new("received", Received, Due: Due), new("supplement_requested", "2025-03-05 10:00")],
            new("in_progress", Due: "2025-03-06 17:00:00", Paused: true)),
        ("withdrawn", [new("received", Received, Due: Due), new("withdrawn", "2025-03-04 10:00")],
            new("withdrawn", Due: "2025-03-06 17:00:00")),
        ("withdrawal_after_resolution_ignored", [new("received", Received, Due: Due), new("resolved", "2025-03-05 15:00"), new("withdrawn", "2025-03-07 10:00")],
            new("resolved", "early", "early", "2025-03-06 17:00:00", ProcessingWd: 2, Anomalies: ["resolved_and_withdrawn"])),
        ("resolution_after_withdrawal_ignored", [new("received", Received, Due: Due), new("withdrawn", "2025-03-04 10:00"), new("resolved", "2025-03-05 15:00")],
            new("withdrawn", Due: "2025-03-06 17:00:00", Anomalies: ["resolved_and_withdrawn"])),
        // Friday 24 January 2025 + 3 working days skips Tết (27-31 January) and the weekend: Wednesday 5 February.
        ("deadline_across_tet", [new("received", "2025-01-24 10:00"), new("resolved", "2025-02-05 09:00")],
            new("resolved", "on_time", "on_time", "2025-02-05 17:00:00", ProcessingWd: 3)),
        ("unknown_procedure_without_deadline", [new("received", Received, Procedure: "X.UNKNOWN"), new("resolved", "2025-03-20 09:00")],
            new("resolved", "on_time", "on_time", null, ProcessingWd: 13, Anomalies: ["no_deadline", "unknown_procedure"])),
        ("old_tay_ninh_before_merger", [new("received", "2025-06-30 16:00", Province: "72", Due: "2025-07-03 17:00")],
            new("in_progress", Due: "2025-07-03 17:00:00", Province2025: "80", Province2008: "72")),
        ("long_an_before_merger", [new("received", "2025-06-30 16:00", Province: "80", Due: "2025-07-03 17:00")],
            new("in_progress", Due: "2025-07-03 17:00:00", Province2025: "80", Province2008: "80")),
        ("new_tay_ninh_after_merger", [new("received", "2025-07-01 08:00", Province: "80", Due: "2025-07-03 17:00")],
            new("in_progress", Due: "2025-07-03 17:00:00", Province2025: "80", Province2008: "N80")),
        ("unchanged_province_after_merger", [new("received", "2025-07-01 08:00", Province: "01", Due: "2025-07-03 17:00")],
            new("in_progress", Due: "2025-07-03 17:00:00")),
        ("latest_rating_wins", [new("received", Received, Due: Due), new("resolved", "2025-03-05 15:00"),
                                 new("rated", "2025-03-06 10:00", Rating: "dissatisfied"), new("rated", "2025-03-08 10:00", Rating: "very_satisfied")],
            new("resolved", "early", "early", "2025-03-06 17:00:00", ProcessingWd: 2, Rating: "very_satisfied")),
        ("returned_by_post", [new("received", Received, Due: Due), new("resolved", "2025-03-05 15:00"), new("returned", "2025-03-06 10:00", Channel: "postal")],
            new("resolved", "early", "early", "2025-03-06 17:00:00", ProcessingWd: 2, ReturnChannel: "postal")),
        ("first_receipt_wins", [new("received", Received, Due: Due), new("received", "2025-03-04 09:00", Province: "79", Due: "2025-03-20 17:00")],
            new("in_progress", Due: "2025-03-06 17:00:00", Anomalies: ["several_received"])),
        ("no_receipt_yet", [new("resolved", "2025-03-05 15:00")],
            new("incomplete", Province2025: "", Province2008: "")),
    ];

    public static TheoryData<string, Ev[], Expected> Cases
    {
        get
        {
            var data = new TheoryData<string, Ev[], Expected>();
            foreach (var (id, events, expected) in All)
            {
                data.Add(id, events, expected);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Events_give_the_hand_computed_state(string dossierId, Ev[] events, Expected expected)
    {
        Assert.NotEmpty(events); // written by the fixture
        var state = await ReadAsync("dossier_state", dossierId);
        var live = await ReadAsync("v_dossier_state_live", dossierId);

        Assert.Equal(Comparable(expected), Comparable(state));
        Assert.Equal(Comparable(state), Comparable(live));
    }

    [Fact]
    public async Task A_resolution_that_arrives_before_its_receipt_waits_as_incomplete_then_counts()
    {
        var refresher = new DossierRefresher(database.Store, NullLogger<DossierRefresher>.Instance);
        await EventWriter.WriteAsync(database.Store, "late_receipt", [new Ev("resolved", "2025-04-08 10:00", Id: "late_receipt-2")]);
        await refresher.RefreshAsync(TestContext.Current.CancellationToken);
        Assert.Equal("incomplete", (await ReadAsync("dossier_state", "late_receipt")).Status);

        await EventWriter.WriteAsync(database.Store, "late_receipt", [new Ev("received", "2025-04-07 09:00", Due: "2025-04-09 17:00", Id: "late_receipt-1")]);
        await refresher.RefreshAsync(TestContext.Current.CancellationToken);

        // Monday 7 April 2025 is the Hùng Kings' day off: the working days start on Tuesday 8.
        Assert.Equal(
            Comparable(new Expected("resolved", "early", "early", "2025-04-09 17:00:00", ProcessingWd: 0)),
            Comparable(await ReadAsync("dossier_state", "late_receipt")));
        await using var connection = database.Store.CreateConnection();
        Assert.Equal(
            ["2025-04-01"],
            await connection.QueryAsync<string>("SELECT toString(cohort) FROM dossier_state WHERE dossier_id = 'late_receipt'"));
    }

    /// <summary>Records compare arrays by reference: compare the anomalies as text.</summary>
    private static (Expected, string) Comparable(Expected value) =>
        (value with { Anomalies = null }, string.Join(",", (value.Anomalies ?? []).Order(StringComparer.Ordinal)));

    private async Task<Expected> ReadAsync(string source, string dossierId)
    {
        await using var connection = database.Store.CreateConnection();
        var row = await connection.QuerySingleAsync<StateRow>(
            $"""
            SELECT toString(status) AS Status, toString(resolution_class) AS Class, toString(resolution_class_766) AS Class766,
                   toString(effective_due_at) AS Due, processing_wd AS ProcessingWd, supplement_wait_wd AS WaitWd,
                   toString(province_2025) AS Province2025, toString(province_2008) AS Province2008,
                   arraySort(arrayMap(x -> toString(x), anomalies)) AS Anomalies, isNotNull(paused_since) AS Paused,
                   toString(rating) AS Rating, toString(return_channel) AS ReturnChannel, overdue_wd AS OverdueWd
            FROM {source} WHERE dossier_id = @dossierId
            """,
            new { dossierId });
        return new Expected(row.Status, row.Class, row.Class766, row.Due?.Replace(".000", string.Empty, StringComparison.Ordinal),
            row.ProcessingWd, row.WaitWd, row.Province2025, row.Province2008, row.Anomalies, row.Paused, row.Rating, row.ReturnChannel, row.OverdueWd);
    }

    private sealed class StateRow
    {
        public string Status { get; set; } = "";
        public string? Class { get; set; }
        public string? Class766 { get; set; }
        public string? Due { get; set; }
        public int? ProcessingWd { get; set; }
        public int WaitWd { get; set; }
        public string Province2025 { get; set; } = "";
        public string Province2008 { get; set; } = "";
        public string[] Anomalies { get; set; } = [];
        public bool Paused { get; set; }
        public string? Rating { get; set; }
        public string? ReturnChannel { get; set; }
        public int? OverdueWd { get; set; }
    }
}

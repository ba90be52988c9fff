using Microsoft.Extensions.Logging.Abstractions;
using ReformMetrics.Store.Refresh;

namespace ReformMetrics.TestSupport;

/// <summary>
/// A small hand-made province (Tây Ninh, 72, before the merger) whose April 2025 is worked out by hand in
/// the metrics and report tests. Procedure DEMO.HT.004 (3 working days, with a fee, offered online). April 2025: 7 April is
/// a holiday, Saturday 26 April is worked, 30 April to 4 May are off.
/// </summary>
public sealed class Scenario(TestEngine engine) : IAsyncLifetime
{
    private Scenario(TestEngine engine, string database)
        : this(engine) => Database = new TestDatabase(engine, database);

    /// <summary>The scenario in a database of a given name (TestEngine.AnalystDatabase for the analyst tests). Not a
    /// constructor: xunit wants a class fixture to have only one.</summary>
    public static Scenario InDatabase(TestEngine engine, string database) => new(engine, database);

    public TestDatabase Database { get; } = new(engine);

    public static readonly Dictionary<string, Ev[]> Dossiers = new(StringComparer.Ordinal)
    {
        // Carried over, resolved early on 1 April (due 2 April).
        ["A"] = [new("received", "2025-03-28 09:00", "72", Channel: "direct", Due: "2025-04-02 17:00"), new("resolved", "2025-04-01 10:00")],
        // Resolved on the due day; paid online; result by post; rated satisfied. Its resolution arrives twice.
        ["B"] =
        [
            new("received", "2025-04-02 09:00", "72", Channel: "online", Due: "2025-04-04 17:00"), new("paid_online", "2025-04-02 09:10"),
            new("resolved", "2025-04-04 16:00", Id: "B-res"), new("resolved", "2025-04-04 16:00", Id: "B-res"),
            new("returned", "2025-04-04 17:00", Channel: "postal"), new("rated", "2025-04-05 10:00", Rating: "satisfied"),
        ],
        // Late with an apology; rated dissatisfied.
        ["C"] =
        [
            new("received", "2025-04-08 08:00", "72", Channel: "direct", Due: "2025-04-10 17:00"), new("apologized", "2025-04-11 08:00"),
            new("resolved", "2025-04-14 09:00"), new("returned", "2025-04-14 10:00", Channel: "direct"), new("rated", "2025-04-15 10:00", Rating: "dissatisfied"),
        ],
        // Overdue at the end of April, no apology.
        ["D"] = [new("received", "2025-04-21 09:00", "72", Channel: "postal", Due: "2025-04-23 17:00")],
        // Within its deadline at the end of April (due computed: 3 working days after 29 April is 7 May).
        ["E"] = [new("received", "2025-04-29 09:00", "72", Channel: "online")],
        // Waits for the applicant from 25 April to 5 May, across the holidays: 4 working days (25, 26, 28, 29 April)
        // move the deadline from 28 April to 7 May, so it is within its deadline at the end of April; resolved on 7 May.
        ["F"] =
        [
            new("received", "2025-04-24 09:00", "72", Channel: "direct", Due: "2025-04-28 17:00"), new("supplement_requested", "2025-04-25 10:00"),
            new("supplement_received", "2025-05-05 09:00"), new("resolved", "2025-05-07 15:00"),
        ],
        // Two supplement requests: on time by the deadline (4 April + 2 working days = 9 April), overdue by the 766 rule.
        ["G"] =
        [
            new("received", "2025-04-01 09:00", "72", Channel: "direct", Due: "2025-04-04 17:00"),
            new("supplement_requested", "2025-04-02 09:00"), new("supplement_received", "2025-04-03 09:00"),
            new("supplement_requested", "2025-04-08 09:00"), new("supplement_received", "2025-04-09 09:00"), new("resolved", "2025-04-09 15:00"),
        ],
        // Withdrawn in April.
        ["H"] = [new("received", "2025-04-10 09:00", "72", Channel: "direct", Due: "2025-04-15 17:00"), new("withdrawn", "2025-04-11 10:00")],
        // Withdrawn in March: not carried over.
        ["I"] = [new("received", "2025-03-10 09:00", "72", Channel: "direct"), new("withdrawn", "2025-03-12 10:00")],
        // Received and resolved in March.
        ["J"] = [new("received", "2025-03-05 09:00", "72", Channel: "direct"), new("resolved", "2025-03-06 10:00")],
        // Another province (Long An) in April.
        ["K"] = [new("received", "2025-04-10 09:00", "80", Channel: "online"), new("resolved", "2025-04-11 09:00")],
        // A resolution without a receipt: incomplete, counted nowhere.
        ["M"] = [new("resolved", "2025-04-15 09:00")],
        // Carried over, resolved late in April with an apology; rated very satisfied.
        ["N"] =
        [
            new("received", "2025-03-25 09:00", "72", Channel: "online", Due: "2025-03-27 17:00"), new("apologized", "2025-03-28 09:00"),
            new("resolved", "2025-04-02 10:00"), new("rated", "2025-04-03 10:00", Rating: "very_satisfied"),
        ],
        // Carried over and still overdue at the end of April, apologised.
        ["O"] = [new("received", "2025-03-17 09:00", "72", Channel: "direct", Due: "2025-03-20 17:00"), new("apologized", "2025-03-21 09:00")],
        // Waiting for the applicant since before its deadline: paused, so not overdue.
        ["P"] = [new("received", "2025-04-14 09:00", "72", Channel: "direct", Due: "2025-04-17 17:00"), new("supplement_requested", "2025-04-16 10:00")],
        // Around the merger: Tây Ninh (72) and Long An (80) in June, the new Tây Ninh (80) in July.
        ["R"] = [new("received", "2025-06-25 09:00", "72", Channel: "direct")],
        ["S"] = [new("received", "2025-06-20 09:00", "80", Channel: "direct")],
        ["Q"] = [new("received", "2025-07-03 09:00", "80", Channel: "online")],
        // A land dossier (another sector) in old Tây Ninh, April, rated dissatisfied.
        ["T"] =
        [
            new("received", "2025-04-03 09:00", "72", Procedure: "DEMO.DD.002", Channel: "direct", Due: "2025-04-17 17:00", Sector: "DATDAI"),
            new("resolved", "2025-04-10 09:00"), new("rated", "2025-04-11 09:00", Rating: "dissatisfied"),
        ],
    };

    /// <summary>Feedback items. In April 2025 in Tây Ninh (72): FB1 resolved after 6 working days (on time), FB2 still
    /// pending at the end after 20 working days (late), FB3 (land) pending after 8 (within 15), FB6 resolved after 18 (late).</summary>
    public const string Feedback = """
        feedback_id,province_code,sector_code,received_at,resolved_at
        FB1,72,HOTICH,2025-04-01T09:00:00+07:00,2025-04-10T09:00:00+07:00
        FB2,72,HOTICH,2025-04-02T09:00:00+07:00,2025-05-20T09:00:00+07:00
        FB3,72,DATDAI,2025-04-20T10:00:00+07:00,
        FB4,72,HOTICH,2025-03-28T09:00:00+07:00,2025-04-02T09:00:00+07:00
        FB5,80,HOTICH,2025-04-10T09:00:00+07:00,
        FB6,72,HOTICH,2025-04-03T09:00:00+07:00,2025-04-29T09:00:00+07:00

        """;

    /// <summary>The task register of Tây Ninh (72) and Long An (80) for 2025 (and one 2024 task).</summary>
    public const string Tasks = """
        task_id,geo,province_code,year,title,due_date,completed_at,status
        T1,2008,72,2025,Rà soát thủ tục,2025-03-31,2025-03-20,done
        T2,2008,72,2025,Số hóa hồ sơ,2025-03-31,2025-04-15,done
        T3,2008,72,2025,Khảo sát hài lòng,2025-06-30,2025-04-20,awaiting_confirmation
        T4,2008,72,2025,Tuyên truyền,2025-06-30,,in_progress
        T5,2008,72,2025,Kiểm tra,2025-04-15,,in_progress
        T6,2008,72,2025,Dịch vụ công trực tuyến,2025-05-31,2025-05-10,done
        T7,2008,72,2024,Kế hoạch năm trước,2024-12-31,2024-12-20,done
        T8,2008,80,2025,Rà soát thủ tục,2025-12-31,,in_progress

        """;

    /// <summary>A national target loaded as a ministry would load it (none is built into the product): 90% satisfied
    /// ratings in 2025.</summary>
    public const string Targets = """
        geo,province_code,year,indicator,sector_group,target
        0,,2025,satisfaction_index,,0.90

        """;

    public async ValueTask InitializeAsync()
    {
        await Database.InitializeAsync();
        foreach (var (id, events) in Dossiers)
        {
            await EventWriter.WriteAsync(Database.Store, id, events);
        }

        var directory = Directory.CreateTempSubdirectory("reform-scenario-").FullName;
        try
        {
            var ledger = new Ingest.Ledger.SourceLedger(Database.Store, NullLogger<Ingest.Ledger.SourceLedger>.Instance);
            var records = new Ingest.Records.RecordFileLoader(Database.Store, ledger, TimeProvider.System,
                Microsoft.Extensions.Options.Options.Create(new Ingest.Limits.IntakeOptions()), NullLogger<Ingest.Records.RecordFileLoader>.Instance);
            foreach (var (name, content, kind) in new[]
            {
                ("feedback.csv", Feedback, Ingest.Records.RecordKind.Feedback), ("tasks.csv", Tasks, Ingest.Records.RecordKind.Tasks),
                ("targets.csv", Targets, Ingest.Records.RecordKind.Targets),
            })
            {
                var path = Path.Combine(directory, name);
                await File.WriteAllTextAsync(path, content.Replace("\r\n", "\n", StringComparison.Ordinal));
                var result = await records.LoadAsync(path, kind, TestContext.Current.CancellationToken);
                if (result.Rejected > 0)
                {
                    throw new InvalidOperationException($"{name}: {result.Rejected} rows rejected");
                }
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }

        await new DossierRefresher(Database.Store, NullLogger<DossierRefresher>.Instance).RefreshAsync(TestContext.Current.CancellationToken);
    }

    public ValueTask DisposeAsync() => Database.DisposeAsync();
}

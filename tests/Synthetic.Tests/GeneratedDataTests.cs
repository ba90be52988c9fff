using Dapper;
using ReformMetrics.Ingest;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Synthetic.Tests;

/// <summary>Generated data loaded through the real ingestion path into a real ClickHouse: the noise is undone exactly
/// and the figures fall in the ranges a provincial official would recognise.</summary>
public sealed class GeneratedDataTests(GeneratedDataTests.Loaded loaded) : IClassFixture<GeneratedDataTests.Loaded>
{
    public const long Dossiers = 30_000;

    /// <summary>Six months around the merger with 3% noise, generated and ingested once for the class.</summary>
    public sealed class Loaded(TestEngine engine) : IAsyncLifetime
    {
        private readonly string _directory = Directory.CreateTempSubdirectory("reform-generated-").FullName;

        public TestDatabase Database { get; } = new(engine);
        public GeneratorResult Generated { get; private set; } = null!;
        public List<IngestResult> Results { get; } = [];

        public async ValueTask InitializeAsync()
        {
            await Database.InitializeAsync();
            var cancel = TestContext.Current.CancellationToken;
            Generated = new DossierGenerator().Generate(
                new GeneratorOptions(Dossiers, new DateOnly(2025, 4, 1), new DateOnly(2025, 9, 30), 42, _directory, Noise: 0.03), null, cancel);
            Results.AddRange(await Ingestors.LoadFolderAsync(Database.Store, _directory, cancel));
        }

        public async ValueTask DisposeAsync()
        {
            await Database.DisposeAsync();
            Directory.Delete(_directory, recursive: true);
        }

        public async Task<T> ScalarAsync<T>(string sql)
        {
            await using var connection = Database.Store.CreateConnection();
            return await connection.ExecuteScalarAsync<T>(sql) ?? throw new InvalidOperationException(sql);
        }
    }

    private List<IngestResult> EventFiles => loaded.Results.Where(r => r.Source.StartsWith("events-", StringComparison.Ordinal)).ToList();

    [Fact]
    public void Ingestion_accepts_every_valid_event_counts_every_duplicate_and_rejects_exactly_the_malformed_rows()
    {
        Assert.DoesNotContain(loaded.Results, r => r.Failed);
        Assert.Equal(loaded.Generated.Events, EventFiles.Sum(r => r.Accepted));
        Assert.Equal(loaded.Generated.DuplicateRows, EventFiles.Sum(r => r.Duplicates));
        Assert.Equal(loaded.Generated.MalformedRows, EventFiles.Sum(r => r.Rejected));
        Assert.True(loaded.Generated.MalformedRows >= Noise.MalformedKinds.Length);
    }

    [Fact]
    public async Task The_quarantine_holds_the_malformed_rows_and_nothing_else()
    {
        var quarantined = await loaded.ScalarAsync<ulong>("SELECT count() FROM quarantine");
        var marked = await loaded.ScalarAsync<ulong>("SELECT countIf(position(raw, '~') > 0) FROM quarantine");
        var storedMalformed = await loaded.ScalarAsync<ulong>("SELECT count() FROM events WHERE position(event_id, '~') > 0");

        Assert.Equal((ulong)loaded.Generated.MalformedRows, quarantined);
        Assert.Equal(quarantined, marked);
        Assert.Equal(0UL, storedMalformed);
    }

    [Fact]
    public async Task Every_dossier_arrives_whole_despite_late_and_out_of_order_files()
    {
        Assert.Equal((ulong)Dossiers, await loaded.ScalarAsync<ulong>("SELECT count() FROM dossier_state WHERE status != 'incomplete'"));
        Assert.Equal(0UL, await loaded.ScalarAsync<ulong>("SELECT count() FROM dossier_state WHERE status = 'incomplete'"));
        Assert.Equal((ulong)loaded.Generated.Events, await loaded.ScalarAsync<ulong>("SELECT uniqExact(dossier_id, event_id) FROM events"));
    }

    [Fact]
    public async Task The_national_figures_fall_in_the_stated_ranges()
    {
        var onTime = await loaded.ScalarAsync<double>("SELECT countIf(resolution_class IN ('early', 'on_time')) / countIf(status = 'resolved') FROM dossier_state");
        var early = await loaded.ScalarAsync<double>("SELECT countIf(resolution_class = 'early') / countIf(status = 'resolved') FROM dossier_state");
        var apologised = await loaded.ScalarAsync<double>("SELECT countIf(apologized = 1) / count() FROM dossier_state WHERE resolution_class = 'overdue'");
        var satisfied = await loaded.ScalarAsync<double>("SELECT countIf(rating IN ('very_satisfied', 'satisfied')) / countIf(isNotNull(rating)) FROM dossier_state");
        var postal = await loaded.ScalarAsync<double>("SELECT countIf(channel = 'postal') / count() FROM dossier_state");
        var withdrawn = await loaded.ScalarAsync<double>("SELECT countIf(status = 'withdrawn') / count() FROM dossier_state");
        var inProgress = await loaded.ScalarAsync<ulong>("SELECT countIf(status = 'in_progress') FROM dossier_state");
        var overdueNow = await loaded.ScalarAsync<ulong>(
            "SELECT countIf(status = 'in_progress' AND isNull(paused_since) AND effective_due_at < toDateTime64('2025-10-01 00:00:00', 3, 'Asia/Ho_Chi_Minh')) FROM dossier_state");
        var top4 = await loaded.ScalarAsync<double>("SELECT countIf(sector_code IN ('HOTICH', 'CHUNGTHUC', 'DATDAI', 'DKKD', 'HKD')) / count() FROM dossier_state");

        Assert.InRange(onTime, 0.90, 0.99);
        Assert.InRange(early, 0.70, 0.95);
        Assert.InRange(apologised, 0.6, 0.98);
        Assert.InRange(satisfied, 0.80, 0.98);
        Assert.InRange(postal, 0.03, 0.15);
        Assert.InRange(withdrawn, 0.005, 0.03);
        Assert.InRange(top4, 0.60, 0.90);
        Assert.True(inProgress > 0, "no dossier is in progress at the end");
        Assert.True(overdueNow > 0, "no dossier is overdue at the end");
    }

    [Fact]
    public async Task Land_and_construction_are_later_than_civil_status_and_online_use_rises()
    {
        const string late = "SELECT countIf(resolution_class = 'overdue') / countIf(status = 'resolved') FROM dossier_state WHERE sector_code IN ({0})";
        var landLate = await loaded.ScalarAsync<double>(string.Format(System.Globalization.CultureInfo.InvariantCulture, late, "'DATDAI', 'XAYDUNG'"));
        var civilLate = await loaded.ScalarAsync<double>(string.Format(System.Globalization.CultureInfo.InvariantCulture, late, "'HOTICH'"));
        const string online = "SELECT countIf(channel = 'online') / count() FROM dossier_state WHERE toStartOfMonth(received_at) = '{0}'";
        var april = await loaded.ScalarAsync<double>(string.Format(System.Globalization.CultureInfo.InvariantCulture, online, "2025-04-01"));
        var september = await loaded.ScalarAsync<double>(string.Format(System.Globalization.CultureInfo.InvariantCulture, online, "2025-09-01"));

        Assert.True(landLate > 2 * civilLate, $"land/construction late {landLate:P2}, civil status {civilLate:P2}");
        Assert.True(september > april + 0.05, $"online share April {april:P1}, September {september:P1}");
    }

    [Fact]
    public async Task Provinces_follow_the_merger_and_every_agency_and_record_file_is_known()
    {
        Assert.Equal(63UL, await loaded.ScalarAsync<ulong>("SELECT uniqExact(province_code) FROM dossier_state WHERE recorded_geo = 2008"));
        Assert.Equal(34UL, await loaded.ScalarAsync<ulong>("SELECT uniqExact(province_code) FROM dossier_state WHERE recorded_geo = 2025"));
        Assert.Equal(0UL, await loaded.ScalarAsync<ulong>("SELECT count() FROM dossier_state WHERE recorded_geo = 2025 AND level = 'district'"));
        Assert.Equal(0UL, await loaded.ScalarAsync<ulong>("SELECT count() FROM v_unknown_codes"));
        Assert.Equal((ulong)loaded.Generated.Feedback, await loaded.ScalarAsync<ulong>("SELECT count() FROM v_feedback"));
        Assert.Equal((ulong)loaded.Generated.Tasks, await loaded.ScalarAsync<ulong>("SELECT count() FROM v_tasks"));
        Assert.Equal((ulong)loaded.Generated.Targets, await loaded.ScalarAsync<ulong>("SELECT count() FROM v_targets"));
    }
}

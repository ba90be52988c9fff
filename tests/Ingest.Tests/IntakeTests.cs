using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ReformMetrics.Ingest.Inbox;
using ReformMetrics.Ingest.Intake;
using ReformMetrics.Ingest.Limits;
using ReformMetrics.Store;
using ReformMetrics.Store.Refresh;
using ReformMetrics.Store.Sources;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Ingest.Tests;

/// <summary>POST /api/events on a real Kestrel and a real store, and the inbox watcher.</summary>
public sealed class IntakeTests(TestDatabase database) : IClassFixture<TestDatabase>, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("reform-intake-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task A_mixed_body_stores_the_good_rows_and_answers_with_each_rejected_row_and_its_reason()
    {
        await using var server = await StartAsync(database.Store);
        var key = await server.Services.GetRequiredService<ApiSources>().AddAsync("tinh-80", ["80"], false, TestContext.Current.CancellationToken);
        var body = TestFiles.Header + "\n" + string.Join("\n", TestFiles.CsvRows("API", 0, 3)) + "\nAPI-bad,API9,received,2025-03-03T09:00:00,99,commune,A,S,P,online,,,,,\n";

        var first = await PostAsync(server, key, body, "text/csv");
        var again = await PostAsync(server, key, body, "text/csv");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var answer = (await first.Content.ReadFromJsonAsync<EventIntakeApi.IntakeResponse>(TestContext.Current.CancellationToken))!;
        Assert.Equal((13L, 12L, 0L, 1L, false), (answer.Rows, answer.Accepted, answer.Duplicates, answer.Rejected, answer.AlreadyReceived));
        var rejected = Assert.Single(answer.Rejections);
        Assert.Equal((14L, "province_code"), (rejected.Row, rejected.Field));
        Assert.Contains("63 tỉnh", rejected.Reason, StringComparison.Ordinal);
        var repeat = (await again.Content.ReadFromJsonAsync<EventIntakeApi.IntakeResponse>(TestContext.Current.CancellationToken))!;
        Assert.Equal((0L, 12L, true), (repeat.Accepted, repeat.Duplicates, repeat.AlreadyReceived));
    }

    [Fact]
    public async Task A_source_s_last_accepted_time_moves_with_each_request_that_stores_events_and_only_then()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var server = await StartAsync(database.Store);
        var key = await server.Services.GetRequiredService<ApiSources>().AddAsync("tinh-hoatdong", ["80"], false, cancel);
        var activity = server.Services.GetRequiredService<SourceActivity>();
        DateTimeOffset? LastAccepted(IReadOnlyList<SourceStatus> list) => list.Single(s => s.Name == "tinh-hoatdong").LastAcceptedAt;
        var body = TestFiles.Header + "\n" + string.Join("\n", TestFiles.CsvRows("ACT", 0, 2)) + "\n";
        var rejectedOnly = TestFiles.Header + "\nACT-bad,ACT9,received,2025-03-03T09:00:00,99,commune,A,S,P,online,,,,,\n";

        var never = LastAccepted(await activity.ListAsync(cancel));
        var before = await ServerNowAsync();
        var first = await PostAsync(server, key, body, "text/csv");
        var afterFirst = LastAccepted(await activity.ListAsync(cancel));
        var again = await PostAsync(server, key, body, "text/csv"); // already received: nothing stored
        var rejected = await PostAsync(server, key, rejectedOnly, "text/csv"); // every row refused: nothing stored
        var afterNothing = LastAccepted(await activity.ListAsync(cancel));
        await Task.Delay(20, cancel);
        var more = await PostAsync(server, key, TestFiles.Header + "\n" + string.Join("\n", TestFiles.CsvRows("ACT", 2, 1)) + "\n", "text/csv");
        var after = await ServerNowAsync();
        var afterMore = LastAccepted(await activity.ListAsync(cancel));

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK], new[] { first, again, rejected, more }.Select(r => r.StatusCode));
        Assert.Equal(8L, (await first.Content.ReadFromJsonAsync<EventIntakeApi.IntakeResponse>(cancel))!.Accepted);
        Assert.Equal(1L, (await rejected.Content.ReadFromJsonAsync<EventIntakeApi.IntakeResponse>(cancel))!.Rejected);
        Assert.Null(never);
        Assert.NotNull(afterFirst);
        Assert.InRange(afterFirst.Value, before, after);
        Assert.Equal(afterFirst, afterNothing);
        Assert.NotNull(afterMore);
        Assert.True(afterMore > afterFirst, $"{afterMore:O} after {afterFirst:O}");
        Assert.InRange(afterMore.Value, before, after);
    }

    /// <summary>The store's clock, which the intake's times come from.</summary>
    private async Task<DateTimeOffset> ServerNowAsync()
    {
        await using var connection = database.Store.CreateConnection();
        var micros = await Dapper.SqlMapper.ExecuteScalarAsync<long>(connection, "SELECT toUnixTimestamp64Micro(now64(6))");
        return DateTimeOffset.UnixEpoch.AddTicks(micros * 10);
    }

    [Fact]
    public async Task Ndjson_bodies_are_accepted_too()
    {
        await using var server = await StartAsync(database.Store);
        var key = await server.Services.GetRequiredService<ApiSources>().AddAsync("tinh-01", ["80"], false, TestContext.Current.CancellationToken);
        const string body = """
            {"event_id":"J1","dossier_id":"JD1","event_type":"received","occurred_at":"2025-08-04T09:00:00+07:00","province_code":"80","level":"commune","agency_code":"A","sector_code":"HOTICH","procedure_code":"DEMO.HT.001","channel":"online","online_enabled":true}
            {"event_id":"J2","dossier_id":"JD1","event_type":"resolved","occurred_at":"2025-08-05T09:00:00+07:00","outcome":"approved"}
            """;

        var response = await PostAsync(server, key, body, "application/x-ndjson");

        var answer = (await response.Content.ReadFromJsonAsync<EventIntakeApi.IntakeResponse>(TestContext.Current.CancellationToken))!;
        Assert.Equal((2L, 0L), (answer.Accepted, answer.Rejected));
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("rk_not-a-key", HttpStatusCode.Unauthorized)]
    public async Task A_missing_or_wrong_key_is_refused_with_401(string? key, HttpStatusCode expected)
    {
        await using var server = await StartAsync(database.Store);

        var response = await PostAsync(server, key, TestFiles.Header + "\n", "text/csv");

        Assert.Equal(expected, response.StatusCode);
        Assert.Contains("Khoá API", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_oversized_body_is_refused_with_413_and_an_unknown_type_with_415()
    {
        await using var server = await StartAsync(database.Store, o => o.MaxBodyBytes = 2000);
        var key = await server.Services.GetRequiredService<ApiSources>().AddAsync("tinh-big", ["80"], false, TestContext.Current.CancellationToken);

        var big = await PostAsync(server, key, TestFiles.Header + "\n" + string.Join("\n", TestFiles.CsvRows("BIG", 0, 50)), "text/csv");
        var xml = await PostAsync(server, key, "<events/>", "application/xml");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, big.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, xml.StatusCode);
    }

    [Fact]
    public async Task A_store_that_is_down_gives_503_with_retry_after()
    {
        await using var down = new ClickHouseStore(
            Options.Create(new ClickHouseOptions { ConnectionString = "Host=127.0.0.1;Port=1", Database = "nowhere" }), NullLoggerFactory.Instance);
        await down.OpenAsync(null, TestContext.Current.CancellationToken);
        await using var server = await StartAsync(down);

        var response = await PostAsync(server, "rk_anything", TestFiles.Header + "\n", "text/csv");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("30", response.Headers.GetValues("Retry-After").Single());
    }

    [Fact]
    public async Task The_inbox_loads_complete_files_in_order_and_sorts_them_into_processed_and_failed()
    {
        var inbox = Path.Combine(_directory, "inbox");
        Directory.CreateDirectory(inbox);
        var rows = TestFiles.CsvRows("INB", 0, 5).ToList();
        rows.Add("INB-bad,INB9,created,2025-03-03T09:00:00,,,,,,,,,,,");
        TestFiles.WriteCsv(inbox, "a.csv", rows);
        File.SetLastWriteTimeUtc(Path.Combine(inbox, "a.csv"), DateTime.UtcNow.AddMinutes(-2));
        await File.WriteAllTextAsync(Path.Combine(inbox, "b.csv"), "no,header\n", TestContext.Current.CancellationToken);
        TestFiles.WriteCsv(inbox, "c.csv.part", TestFiles.CsvRows("INP", 0, 5)); // still being written
        var watcher = new InboxWatcher(
            Options.Create(new InboxOptions { Directory = inbox }),
            Options.Create(new ClickHouseOptions()),
            Ingestors.Inputs(database.Store),
            new DossierRefresher(database.Store, NullLogger<DossierRefresher>.Instance),
            NullLogger<InboxWatcher>.Instance);

        Assert.Equal(2, await watcher.PassAsync(TestContext.Current.CancellationToken));

        Assert.Equal(["c.csv.part"], Directory.GetFiles(inbox).Select(Path.GetFileName));
        Assert.Equal(["a.csv", "a.csv.rejects.csv"], Directory.GetFiles(Path.Combine(inbox, "processed")).Select(Path.GetFileName).Order());
        Assert.Equal(["b.csv", "b.csv.error.txt"], Directory.GetFiles(Path.Combine(inbox, "failed")).Select(Path.GetFileName).Order());
        Assert.Contains("event_id", await File.ReadAllTextAsync(Path.Combine(inbox, "failed", "b.csv.error.txt"), TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gzip_file_in_the_inbox_that_unpacks_past_its_limit_goes_to_failed_with_its_reason()
    {
        var inbox = Path.Combine(_directory, "inbox-bomb");
        Directory.CreateDirectory(inbox);
        await File.WriteAllBytesAsync(Path.Combine(inbox, "bomb.ndjson.gz"), LineLimitTests.GzipNdjson(string.Empty, 8 << 20, string.Empty), TestContext.Current.CancellationToken);
        var watcher = new InboxWatcher(
            Options.Create(new InboxOptions { Directory = inbox }),
            Options.Create(new ClickHouseOptions()),
            Ingestors.Inputs(database.Store, new IntakeOptions { MaxUnpackedFileBytes = 1 << 20 }),
            new DossierRefresher(database.Store, NullLogger<DossierRefresher>.Instance),
            NullLogger<InboxWatcher>.Instance);

        Assert.Equal(1, await watcher.PassAsync(TestContext.Current.CancellationToken));

        Assert.Equal(["bomb.ndjson.gz", "bomb.ndjson.gz.error.txt"], Directory.GetFiles(Path.Combine(inbox, "failed")).Select(Path.GetFileName).Order());
        var reason = await File.ReadAllTextAsync(Path.Combine(inbox, "failed", "bomb.ndjson.gz.error.txt"), TestContext.Current.CancellationToken);
        Assert.Contains("vượt giới hạn 1.048.576 byte", reason, StringComparison.Ordinal);
        Assert.Contains("bom gzip", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gzip_body_that_unpacks_past_its_limit_is_refused_with_413_and_nothing_is_stored()
    {
        await using var server = await StartAsync(database.Store, o => o.MaxUnpackedBodyBytes = 1 << 20);
        var key = await server.Services.GetRequiredService<ApiSources>().AddAsync("tinh-bomb", ["80"], false, TestContext.Current.CancellationToken);
        var rows = string.Join("\n", TestFiles.CsvRows("BOMB", 0, 5000));
        using var packed = new MemoryStream();
        await using (var gzip = new System.IO.Compression.GZipStream(packed, System.IO.Compression.CompressionLevel.SmallestSize, leaveOpen: true))
        {
            await gzip.WriteAsync(Encoding.UTF8.GetBytes(TestFiles.Header + "\n" + rows + "\n"), TestContext.Current.CancellationToken);
        }

        using var client = new HttpClient { BaseAddress = new Uri(server.Urls.First()) };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/events") { Content = new ByteArrayContent(packed.ToArray()) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("1.048.576 byte", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        await using var connection = database.Store.CreateConnection();
        Assert.Equal(0UL, await Dapper.SqlMapper.ExecuteScalarAsync<ulong>(connection, "SELECT count() FROM events WHERE startsWith(dossier_id, 'BOMB')"));
    }

    [Fact]
    public async Task With_every_place_taken_a_body_waits_then_is_refused_with_503_unread_and_nothing_stored()
    {
        await using var server = await StartAsync(database.Store, o => (o.MaxConcurrentBodies, o.BodyWaitSeconds) = (1, 1));
        var key = await server.Services.GetRequiredService<ApiSources>().AddAsync("tinh-gate", ["80"], false, TestContext.Current.CancellationToken);
        var body = TestFiles.Header + "\n" + string.Join("\n", TestFiles.CsvRows("GATE", 0, 1)) + "\n";
        var gate = server.Services.GetRequiredService<IntakeGate>();

        HttpResponseMessage busy;
        using (await gate.EnterAsync(TestContext.Current.CancellationToken))
        {
            busy = await PostAsync(server, key, body, "text/csv");
        }

        var after = await PostAsync(server, key, body, "text/csv");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, busy.StatusCode);
        Assert.NotNull(busy.Headers.RetryAfter);
        Assert.Contains("chưa lưu gì", await busy.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        var answer = (await after.Content.ReadFromJsonAsync<EventIntakeApi.IntakeResponse>(TestContext.Current.CancellationToken))!;
        Assert.Equal((false, 0L), (answer.AlreadyReceived, answer.Duplicates));
        Assert.True(answer.Accepted > 0);
    }

    internal static async Task<WebApplication> StartAsync(ClickHouseStore store, Action<IntakeOptions>? limits = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(store);
        builder.Services.AddIngest();
        builder.Services.Configure<IntakeOptions>(o => limits?.Invoke(o));
        builder.Services.AddProblemDetails();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapEventIntake();
        await app.StartAsync(TestContext.Current.CancellationToken);
        return app;
    }

    internal static async Task<HttpResponseMessage> PostAsync(WebApplication server, string? key, string body, string contentType)
    {
        using var client = new HttpClient { BaseAddress = new Uri(server.Urls.First()) };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/events") { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }
}

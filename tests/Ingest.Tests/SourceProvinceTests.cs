using System.Net;
using System.Net.Http.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using ReformMetrics.Ingest.Intake;
using ReformMetrics.Store.Refresh;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Ingest.Tests;

/// <summary>POST /api/events from sources bound to provinces: each row of another province's dossier is rejected with its
/// reason, and that dossier stays as it was.</summary>
public sealed class SourceProvinceTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private const string Header = TestFiles.Header;

    [Fact]
    public async Task A_source_of_Tay_Ninh_cannot_resolve_a_Ho_Chi_Minh_dossier_which_stays_overdue()
    {
        await using var server = await IntakeTests.StartAsync(database.Store);
        var sources = server.Services.GetRequiredService<ApiSources>();
        var hcm = await sources.AddAsync("motcua-hcm", ["79"], false, TestContext.Current.CancellationToken);
        var tayNinh = await sources.AddAsync("motcua-tayninh", ["80"], false, TestContext.Current.CancellationToken);
        var receipt = await PostAsync(server, hcm,
            "HCM1-r,HCM1,received,2025-09-01T09:00:00+07:00,79,commune,AG79,HOTICH,DEMO.HT.001,direct,true,2025-09-05T17:00:00+07:00,,,");

        var attack = await PostAsync(server, tayNinh, "HCM1-x,HCM1,resolved,2025-09-03T10:00:00+07:00,,,,,,,,,approved,,");

        Assert.Equal((1L, 0L), (receipt.Accepted, receipt.Rejected));
        Assert.Equal((1L, 0L, 1L), (attack.Rows, attack.Accepted, attack.Rejected));
        var rejected = Assert.Single(attack.Rejections);
        Assert.Equal((2L, "dossier_id"), (rejected.Row, rejected.Field));
        Assert.Contains("hồ sơ HCM1 thuộc Hồ Chí Minh (79)", rejected.Reason, StringComparison.Ordinal);
        Assert.Contains("motcua-tayninh chỉ được gửi sự kiện của Tây Ninh (80)", rejected.Reason, StringComparison.Ordinal);
        Assert.Contains("\"event_id\":\"HCM1-x\"", rejected.Raw, StringComparison.Ordinal);
        await new DossierRefresher(database.Store, NullLogger<DossierRefresher>.Instance).RefreshAsync(TestContext.Current.CancellationToken);
        await using var connection = database.Store.CreateConnection();
        Assert.Equal(0UL, await connection.ExecuteScalarAsync<ulong>("SELECT count() FROM events WHERE dossier_id = 'HCM1' AND event_type = 'resolved'"));
        Assert.Equal("in_progress", await connection.ExecuteScalarAsync<string>("SELECT toString(status) FROM dossier_state WHERE dossier_id = 'HCM1'"));
        Assert.Equal(1UL, await connection.ExecuteScalarAsync<ulong>(
            "SELECT count() FROM quarantine WHERE source = 'api:motcua-tayninh' AND field = 'dossier_id' AND position(reason, 'Hồ Chí Minh') > 0"));
    }

    [Fact]
    public async Task A_bound_source_loads_its_own_dossiers_read_in_the_geography_of_their_date_with_receipt_and_resolution_in_one_body()
    {
        await using var server = await IntakeTests.StartAsync(database.Store);
        var key = await server.Services.GetRequiredService<ApiSources>().AddAsync("motcua-tayninh-2", ["80"], false, TestContext.Current.CancellationToken);

        // Before 2025-07-01, 80 is Long An and 72 Tây Ninh: both became part of the new Tây Ninh (80); 79 stayed Hồ Chí Minh.
        var answer = await PostAsync(server, key,
            "GEO-LA-x,GEO-LA,resolved,2025-03-05T10:00:00+07:00,,,,,,,,,approved,,",
            "GEO-LA-r,GEO-LA,received,2025-03-03T09:00:00+07:00,80,district,AG80,HOTICH,DEMO.HT.001,direct,true,,,,",
            "GEO-TN-r,GEO-TN,received,2025-03-03T09:00:00+07:00,72,district,AG72,HOTICH,DEMO.HT.001,direct,true,,,,",
            "GEO-TN-x,GEO-TN,resolved,2025-03-05T10:00:00+07:00,,,,,,,,,approved,,",
            "GEO-NEW-r,GEO-NEW,received,2025-08-04T09:00:00+07:00,80,commune,AG80,HOTICH,DEMO.HT.001,online,true,,,,",
            "GEO-NEW-x,GEO-NEW,resolved,2025-08-05T10:00:00+07:00,,,,,,,,,approved,,",
            "GEO-HCM-r,GEO-HCM,received,2025-03-03T09:00:00+07:00,79,district,AG79,HOTICH,DEMO.HT.001,direct,true,,,,",
            "GEO-HCM-x,GEO-HCM,resolved,2025-03-05T10:00:00+07:00,,,,,,,,,approved,,");
        var later = await PostAsync(server, key, "GEO-NEW-s,GEO-NEW,rated,2025-08-06T10:00:00+07:00,,,,,,,,,,satisfied,");

        Assert.Equal((8L, 6L, 2L), (answer.Rows, answer.Accepted, answer.Rejected));
        Assert.Equal([(8L, "province_code"), (9L, "dossier_id")], answer.Rejections.Select(r => (r.Row, r.Field)));
        Assert.Contains("mã tỉnh 79 là Hồ Chí Minh (79)", answer.Rejections[0].Reason, StringComparison.Ordinal);
        Assert.Equal((1L, 0L), (later.Accepted, later.Rejected));
        await using var connection = database.Store.CreateConnection();
        Assert.Equal(
            ["GEO-LA-r", "GEO-LA-x", "GEO-NEW-r", "GEO-NEW-s", "GEO-NEW-x", "GEO-TN-r", "GEO-TN-x"],
            await connection.QueryAsync<string>("SELECT event_id FROM events WHERE startsWith(dossier_id, 'GEO-') ORDER BY event_id"));
    }

    [Fact]
    public async Task An_event_for_a_dossier_without_any_receipt_is_rejected_but_a_national_source_may_send_it()
    {
        await using var server = await IntakeTests.StartAsync(database.Store);
        var sources = server.Services.GetRequiredService<ApiSources>();
        var bound = await sources.AddAsync("motcua-01", ["01"], false, TestContext.Current.CancellationToken);
        var national = await sources.AddAsync("quocgia", [], true, TestContext.Current.CancellationToken);
        const string Orphan = "ORPH1-x,ORPH1,resolved,2025-09-03T10:00:00+07:00,,,,,,,,,approved,,";

        var refused = await PostAsync(server, bound, Orphan);
        var accepted = await PostAsync(server, national, Orphan);

        var rejected = Assert.Single(refused.Rejections);
        Assert.Equal("dossier_id", rejected.Field);
        Assert.Contains("chưa có sự kiện received", rejected.Reason, StringComparison.Ordinal);
        Assert.Contains("trong cùng lần gửi", rejected.Reason, StringComparison.Ordinal);
        Assert.Equal((1L, 0L), (accepted.Accepted, accepted.Rejected));
    }

    [Fact]
    public async Task A_body_refused_for_want_of_a_receipt_is_read_again_when_sent_again_after_the_receipt()
    {
        await using var server = await IntakeTests.StartAsync(database.Store);
        var key = await server.Services.GetRequiredService<ApiSources>().AddAsync("motcua-01-b", ["01"], false, TestContext.Current.CancellationToken);
        const string Resolution = "LATE1-x,LATE1,resolved,2025-09-03T10:00:00+07:00,,,,,,,,,approved,,";

        var early = await PostAsync(server, key, Resolution);
        var receipt = await PostAsync(server, key, "LATE1-r,LATE1,received,2025-09-01T09:00:00+07:00,01,commune,AG01,HOTICH,DEMO.HT.001,direct,true,,,,");
        var again = await PostAsync(server, key, Resolution);
        var once = await PostAsync(server, key, Resolution);

        Assert.Equal((0L, 1L), (early.Accepted, early.Rejected));
        Assert.Equal((1L, 0L), (receipt.Accepted, receipt.Rejected));
        Assert.Equal((1L, 0L, false), (again.Accepted, again.Rejected, again.AlreadyReceived));
        // Stored once: sent again, the event is a duplicate.
        Assert.Equal((0L, 1L, 0L), (once.Accepted, once.Duplicates, once.Rejected));
    }

    [Fact]
    public async Task A_key_added_before_sources_were_bound_to_provinces_is_refused_with_403_saying_how_to_bind_it()
    {
        await using var server = await IntakeTests.StartAsync(database.Store);
        const string Key = "rk_an-old-key-from-before-the-binding";
        await using (var connection = database.Store.CreateConnection())
        {
            // As a key added before migration 0009: the new columns take their defaults.
            await connection.ExecuteAsync("INSERT INTO api_sources (name, key_sha256) SELECT 'legacy', lower(hex(SHA256(@key)))", new { key = Key });
        }

        var response = await IntakeTests.PostAsync(server, Key, Header + "\n", "text/csv");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var detail = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("reform sources add legacy --province", detail, StringComparison.Ordinal);
    }

    private static async Task<EventIntakeApi.IntakeResponse> PostAsync(Microsoft.AspNetCore.Builder.WebApplication server, string key, params string[] rows)
    {
        var response = await IntakeTests.PostAsync(server, key, Header + "\n" + string.Join("\n", rows) + "\n", "text/csv");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<EventIntakeApi.IntakeResponse>(TestContext.Current.CancellationToken))!;
    }
}

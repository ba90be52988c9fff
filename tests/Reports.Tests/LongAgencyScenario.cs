using Dapper;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Reports.Tests;

/// <summary>The hand-made Tây Ninh (<see cref="Scenario"/>) whose one agency, AG-TEST, receives every dossier and has the
/// kind of name the agency lists hold: too long for one line of any table cell.</summary>
public sealed class LongAgencyScenario(TestEngine engine) : IAsyncLifetime
{
    public const string AgencyName =
        "Bộ phận tiếp nhận và trả kết quả giải quyết thủ tục hành chính thuộc Văn phòng Hội đồng nhân dân và Ủy ban nhân dân "
        + "xã Phước Vĩnh Tây, huyện Cần Giuộc (Bộ phận Một cửa)";

    public Scenario Scenario { get; } = new(engine);

    public async ValueTask InitializeAsync()
    {
        await Scenario.InitializeAsync();
        await using var connection = Scenario.Database.Store.CreateConnection();
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO agencies (code, name_vi, province_code, level, valid_from, valid_to) VALUES ('AG-TEST', @name, '72', 'commune', '2015-01-01', '2030-12-31')",
            new { name = AgencyName }, cancellationToken: TestContext.Current.CancellationToken));
    }

    public ValueTask DisposeAsync() => Scenario.DisposeAsync();
}

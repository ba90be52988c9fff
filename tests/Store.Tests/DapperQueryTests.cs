using Dapper;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Store.Tests;

/// <summary>Parameterised Dapper queries through ClickHouse.Driver, on the class's own database.</summary>
public sealed class DapperQueryTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task Parameters_round_trip_Vietnamese_text_dates_and_hostile_strings()
    {
        await using var connection = database.Store.CreateConnection();
        await connection.ExecuteAsync("CREATE TABLE IF NOT EXISTS dossiers (id String, province LowCardinality(String), received DateTime('Asia/Ho_Chi_Minh'), days UInt16) ENGINE = MergeTree ORDER BY id");
        var received = new DateTime(2026, 11, 29, 8, 30, 0);
        const string hostile = "x'); DROP TABLE dossiers; --";
        await connection.ExecuteAsync(
            "INSERT INTO dossiers (id, province, received, days) VALUES (@id, @province, @received, @days)",
            new[]
            {
                new { id = "H01.01-261129-0001", province = "Tuyên Quang", received, days = (ushort)5 },
                new { id = hostile, province = "Thừa Thiên Huế", received = received.AddDays(1), days = (ushort)15 },
            });

        var rows = (await connection.QueryAsync<(string Id, string Province, ushort Days)>(
            "SELECT id, province, days FROM dossiers WHERE province IN @provinces AND days >= @minDays ORDER BY id",
            new { provinces = new[] { "Tuyên Quang", "Thừa Thiên Huế" }, minDays = (ushort)1 })).ToList();

        Assert.Equal([("H01.01-261129-0001", "Tuyên Quang", (ushort)5), (hostile, "Thừa Thiên Huế", (ushort)15)], rows);
        Assert.Equal(1UL, await connection.ExecuteScalarAsync<ulong>("SELECT count() FROM dossiers WHERE id = @id", new { id = hostile }));
    }

    [Fact]
    public async Task Each_test_class_has_a_database_of_its_own()
    {
        await using var connection = database.Store.CreateConnection();

        Assert.Equal(database.Name, await connection.ExecuteScalarAsync<string>("SELECT currentDatabase()"));
    }
}

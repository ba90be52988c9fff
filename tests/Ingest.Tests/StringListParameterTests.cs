using Dapper;
using ReformMetrics.Ingest.Loading;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Ingest.Tests;

/// <summary>A batch's dossiers reach ClickHouse whole, in parameters under its form-field limit, whatever they hold.</summary>
public sealed class StringListParameterTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task A_list_far_larger_than_a_form_field_arrives_whole_and_unchanged()
    {
        // 60,000 identifiers (about 1.7 MB as sent): Vietnamese letters, quotes, backslashes, spaces, commas, brackets.
        var values = Enumerable.Range(0, 60_000)
            .Select(i => (i % 5) switch
            {
                0 => $"HS-{i:D8}",
                1 => $"Hồ sơ số {i} của Đắk Lắk",
                2 => $"O'Brien\\{i}\\",
                3 => $"[{i}], \"{i}\"",
                _ => $"{i}\t{{x:String}}",
            })
            .ToList();
        var parameters = new DynamicParameters();

        var list = StringListParameter.Add(parameters, "ids", values);
        await using var connection = database.Store.CreateConnection();
        var back = (await connection.QueryAsync<string>(new CommandDefinition($"SELECT arrayJoin({list})", parameters,
            cancellationToken: TestContext.Current.CancellationToken))).ToList();

        Assert.True(parameters.ParameterNames.Count() > 10, "the list should have needed many parameters");
        Assert.Equal(values, back);
    }

    [Fact]
    public async Task An_empty_list_is_an_empty_array()
    {
        var parameters = new DynamicParameters();

        var list = StringListParameter.Add(parameters, "ids", []);
        await using var connection = database.Store.CreateConnection();

        Assert.Equal(0UL, await connection.ExecuteScalarAsync<ulong>($"SELECT length({list})", parameters));
    }
}

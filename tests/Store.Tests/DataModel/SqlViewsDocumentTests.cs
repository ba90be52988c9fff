using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using ReformMetrics.Store.Refresh;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Store.Tests.DataModel;

/// <summary>Every SQL example of docs/sql-views.md runs as written, and every view it documents exists.</summary>
public sealed partial class SqlViewsDocumentTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    public static TheoryData<string> Examples() => [.. SqlBlocks().Select(b => b.Trim())];

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task The_documented_query_runs(string sql)
    {
        await SeedOnceAsync();
        await using var connection = database.Store.CreateConnection();

        var rows = (await connection.QueryAsync(sql)).ToList();

        Assert.NotNull(rows);
    }

    [Fact]
    public async Task Every_analyst_view_is_documented_with_three_examples()
    {
        await using var connection = database.Store.CreateConnection();
        var views = (await connection.QueryAsync<string>(
            "SELECT name FROM system.tables WHERE database = currentDatabase() AND name LIKE 'v\\\\_%' AND name != 'v_calendar' AND name NOT LIKE 'v_dossier_state_live'")).ToList();
        var document = File.ReadAllText(DocumentPath());

        Assert.Equal(9, views.Count);
        foreach (var view in views)
        {
            var section = document.Split($"## {view}\n", 2);
            Assert.True(section.Length == 2, $"{view} has no section in docs/sql-views.md");
            var body = section[1].Split("\n## ", 2)[0];
            Assert.True(SqlBlock().Count(body) >= 3, $"{view} has fewer than three examples");
        }
    }

    private static readonly SemaphoreSlim Seeded = new(1, 1);
    private static bool _seeded;

    private async Task SeedOnceAsync()
    {
        await Seeded.WaitAsync();
        try
        {
            if (_seeded)
            {
                return;
            }

            await EventWriter.WriteAsync(database.Store, "doc-a", [new Ev("received", "2025-03-03 09:00", Province: "80", Due: "2025-03-06 17:00"), new Ev("resolved", "2025-03-10 10:00")]);
            await EventWriter.WriteAsync(database.Store, "doc-b", [new Ev("received", "2025-08-03 09:00", Province: "80", Due: "2025-08-06 17:00")]);
            await EventWriter.WriteAsync(database.Store, "doc-c", [new Ev("resolved", "2025-08-03 09:00")]);
            await new DossierRefresher(database.Store, NullLogger<DossierRefresher>.Instance).RefreshAsync(TestContext.Current.CancellationToken);
            _seeded = true;
        }
        finally
        {
            Seeded.Release();
        }
    }

    private static IEnumerable<string> SqlBlocks() => SqlBlock().Matches(File.ReadAllText(DocumentPath())).Select(m => m.Groups[1].Value);

    private static string DocumentPath() => Path.Combine(Repository.Root, "docs", "sql-views.md");

    [GeneratedRegex("```sql\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex SqlBlock();
}

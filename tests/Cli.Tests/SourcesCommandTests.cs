using ReformMetrics.TestSupport;

namespace ReformMetrics.Cli.Tests;

/// <summary>`reform sources add|list|revoke`: a source is bound to its provinces, or explicitly national.</summary>
public sealed class SourcesCommandTests(TestEngine engine) : IAsyncLifetime
{
    private readonly string _database = $"cli_{Guid.NewGuid():N}"[..16];

    private Dictionary<string, string?> Environment => new() { ["REFORM_ClickHouse__Database"] = _database };

    public async ValueTask InitializeAsync()
    {
        var migrate = await ReformAsync("migrate");
        Assert.True(migrate.ExitCode == 0, migrate.StandardError);
    }

    public async ValueTask DisposeAsync() =>
        await ReformProcess.RunAsync(["--clickhouse", engine.ConnectionString, "sql", "--write", $"DROP DATABASE IF EXISTS {_database}"]);

    [Theory]
    [InlineData(new[] { "sources", "add", "motcua" }, "Cần --province")]
    [InlineData(new[] { "sources", "add", "motcua", "--province", "80,99" }, "\"99\" không phải một trong 34 tỉnh")]
    [InlineData(new[] { "sources", "add", "motcua", "--province", "72" }, "\"72\" không phải một trong 34 tỉnh")]
    [InlineData(new[] { "sources", "add", "motcua", "--province", "80", "--all-provinces" }, "không dùng cả hai")]
    [InlineData(new[] { "sources", "revoke", "khong-co" }, "Không có hệ thống nguồn khong-co")]
    public async Task A_source_without_provinces_or_with_a_code_that_is_not_a_2025_province_is_bad_usage(string[] arguments, string message)
    {
        var result = await ReformAsync(arguments);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sources_are_added_with_their_provinces_listed_and_revoked()
    {
        var bound = await ReformAsync("sources", "add", "motcua-tayninh", "--province", "80, 01");
        var national = await ReformAsync("sources", "add", "quocgia", "--all-provinces");
        var revoked = await ReformAsync("sources", "revoke", "quocgia");
        var list = await ReformAsync("sources", "list");

        Assert.Equal((0, 0, 0, 0), (bound.ExitCode, national.ExitCode, revoked.ExitCode, list.ExitCode));
        Assert.StartsWith("rk_", bound.StandardOutput.Trim(), StringComparison.Ordinal);
        Assert.Contains("tỉnh 80, 01", bound.StandardError, StringComparison.Ordinal);
        var lines = list.StandardOutput.Split('\n');
        var tayNinh = Assert.Single(lines, l => l.Contains("motcua-tayninh", StringComparison.Ordinal));
        Assert.Contains("01, 80", tayNinh, StringComparison.Ordinal);
        Assert.Contains("không", tayNinh, StringComparison.Ordinal);
        Assert.Matches(@"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", tayNinh);
        var quocGia = Assert.Single(lines, l => l.Contains("quocgia", StringComparison.Ordinal));
        Assert.Contains("mọi tỉnh", quocGia, StringComparison.Ordinal);
        Assert.Matches(@"\bcó\b", quocGia);
    }

    private Task<ReformProcess.Result> ReformAsync(params string[] arguments) =>
        ReformProcess.RunAsync(["--clickhouse", engine.ConnectionString, .. arguments], Environment);
}

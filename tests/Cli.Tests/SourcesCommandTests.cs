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
        // Nothing was ever accepted from either; a key just created is not silent yet.
        Assert.Contains("Nhận dữ liệu lần cuối", list.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("chưa lần nào", tayNinh, StringComparison.Ordinal);
        Assert.DoesNotContain("Không nhận dữ liệu", list.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_list_shows_when_a_source_last_had_events_accepted_and_warns_when_it_has_been_silent_too_long()
    {
        var added = await ReformAsync("sources", "add", "motcua-hanoi", "--province", "01");
        await ReformAsync("sources", "add", "motcua-cantho", "--province", "92");
        var written = await ReformAsync("sql", "--write",
            "INSERT INTO source_activity (source, last_accepted_at, accepted) SELECT 'motcua-hanoi', toDateTime64('2026-03-05 07:04:30', 6, 'UTC'), 12");
        var list = await ReformAsync("sources", "list");

        Assert.Equal((0, 0, 0), (added.ExitCode, written.ExitCode, list.ExitCode));
        var haNoi = Assert.Single(list.StandardOutput.Split('\n'), l => l.Contains("motcua-hanoi", StringComparison.Ordinal));
        // 07:04 UTC is 14:04 in Vietnam; long past the default limit of 2 hours.
        Assert.Contains("05/03/2026 14:04", haNoi, StringComparison.Ordinal);
        Assert.Contains("Không nhận dữ liệu từ motcua-hanoi (quá 2 giờ)", haNoi, StringComparison.Ordinal);
        var canTho = Assert.Single(list.StandardOutput.Split('\n'), l => l.Contains("motcua-cantho", StringComparison.Ordinal));
        Assert.DoesNotContain("Không nhận dữ liệu", canTho, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00:01:00", "Feed:SilentSourceAfter phải từ 5 phút (00:05:00) đến 7 ngày")]
    [InlineData("hai giờ", "'Feed:SilentSourceAfter' to type 'System.TimeSpan'")]
    public async Task A_silence_limit_out_of_bounds_or_unreadable_is_refused_before_anything_runs(string value, string message)
    {
        var environment = new Dictionary<string, string?>(Environment) { ["REFORM_Feed__SilentSourceAfter"] = value };

        var result = await ReformProcess.RunAsync(["--clickhouse", engine.ConnectionString, "sources", "list"], environment);

        Assert.Equal(2, result.ExitCode);
        // The console wraps long messages at 80 columns.
        var said = System.Text.RegularExpressions.Regex.Replace(result.StandardError, @"\s+", " ");
        Assert.Contains("Cấu hình không hợp lệ:", said, StringComparison.Ordinal);
        Assert.Contains(message, said, StringComparison.Ordinal);
    }

    private Task<ReformProcess.Result> ReformAsync(params string[] arguments) =>
        ReformProcess.RunAsync(["--clickhouse", engine.ConnectionString, .. arguments], Environment);
}

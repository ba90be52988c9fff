using System.Text.Json;
using ReformMetrics.Metrics.Catalogue;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Cli.Tests;

/// <summary>`reform generate` and `reform kpi` as users run them.</summary>
public sealed class GenerateAndKpiCommandTests(TestEngine engine)
{
    [Theory]
    [InlineData("--dossiers", "0", "--dossiers")]
    [InlineData("--to", "2099-01-01", "tương lai")]
    [InlineData("--noise", "0.9", "--noise")]
    [InlineData("--format", "xml", "--format")]
    [InlineData("--from", "2025-13-01", "--from")]
    public async Task Generate_refuses_bad_options_with_exit_2_naming_them(string option, string value, string named)
    {
        var arguments = new Dictionary<string, string>
        {
            ["--dossiers"] = "10", ["--from"] = "2025-01-01", ["--to"] = "2025-01-31", ["--out"] = Path.GetTempPath(), [option] = value,
        };

        var result = await ReformProcess.RunAsync(["generate", .. arguments.SelectMany(a => new[] { a.Key, a.Value })]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(named, result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kpi_json_for_a_2008_province_prints_every_contract_key_from_generated_files()
    {
        var directory = Directory.CreateTempSubdirectory("reform-cli-kpi-").FullName;
        var environment = new Dictionary<string, string?> { ["REFORM_ClickHouse__Database"] = $"kpi_{Guid.NewGuid():N}"[..16] };
        try
        {
            var generated = await ReformProcess.RunAsync(["generate", "--dossiers", "6000", "--from", "2024-01-01", "--to", "2024-09-30", "--seed", "5", "--out", directory]);
            Assert.Equal(0, generated.ExitCode);
            var tayNinh = Directory.EnumerateFiles(directory, "events-2024*-72.csv").Order(StringComparer.Ordinal).ToArray();
            Assert.Equal(9, tayNinh.Length);
            await ReformProcess.RunAsync(["--clickhouse", engine.ConnectionString, "migrate"], environment);
            var ingested = await ReformProcess.RunAsync(["--clickhouse", engine.ConnectionString, "ingest", .. tayNinh], environment);
            Assert.Equal(0, ingested.ExitCode);

            var kpi = await ReformProcess.RunAsync(
                ["--clickhouse", engine.ConnectionString, "kpi", "--from", "2024-01-01", "--to", "2024-09-30", "--province", "72", "--geo", "2008", "--json"], environment);
            var badProvince = await ReformProcess.RunAsync(
                ["--clickhouse", engine.ConnectionString, "kpi", "--period", "2024-Q1", "--province", "99", "--geo", "2008"], environment);
            var table = await ReformProcess.RunAsync(
                ["--clickhouse", engine.ConnectionString, "kpi", "--period", "2024-Q1", "--geo", "2008", "--by", "month"], environment);

            Assert.Equal(0, kpi.ExitCode);
            using var json = JsonDocument.Parse(kpi.StandardOutput);
            var row = Assert.Single(json.RootElement.EnumerateArray());
            Assert.All(MetricCatalogue.All, m => Assert.True(row.TryGetProperty(m.Key, out _), $"missing {m.Key}"));
            Assert.True(row.GetProperty("received_new").GetInt64() > 0);
            Assert.InRange(row.GetProperty("on_time_rate").GetDouble(), 0.8, 1.0);
            Assert.Equal(2, badProvince.ExitCode);
            Assert.Contains("\"99\"", badProvince.StandardError, StringComparison.Ordinal);
            Assert.Equal(0, table.ExitCode);
            Assert.Contains("2024-03", table.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("%", table.StandardOutput, StringComparison.Ordinal);

            // Reports from the same store: the bulletin and the form in PDF; a form in a format it does not have is refused.
            var bulletin = Path.Combine(directory, "ban-tin.pdf");
            var form = Path.Combine(directory, "bieu.pdf");
            var written = await ReformProcess.RunAsync(
                ["--clickhouse", engine.ConnectionString, "report", "--form", "bulletin", "--period", "2024-Q1", "--province", "72", "--geo", "2008", "--out", bulletin], environment);
            var formWritten = await ReformProcess.RunAsync(
                ["--clickhouse", engine.ConnectionString, "report", "--form", "tthc-results", "--format", "pdf", "--period", "2024-03", "--cutoff", "15", "--province", "72", "--geo", "2008", "--out", form], environment);
            var refused = await ReformProcess.RunAsync(
                ["--clickhouse", engine.ConnectionString, "report", "--form", "provinces", "--format", "pdf", "--period", "2024-Q1", "--out", form], environment);
            Assert.Equal(0, written.ExitCode);
            Assert.Contains("bản tin Tây Ninh, Quý I/2024", written.StandardError, StringComparison.Ordinal);
            Assert.Equal("%PDF"u8.ToArray(), File.ReadAllBytes(bulletin)[..4]);
            Assert.Equal(0, formWritten.ExitCode);
            Assert.Contains("Tây Ninh, Tháng 3/2024", formWritten.StandardError, StringComparison.Ordinal);
            Assert.Equal(2, refused.ExitCode);
            Assert.Contains("không có định dạng \"pdf\"", refused.StandardError, StringComparison.Ordinal);

            // A file that cannot be written (a full disk, a missing folder) is a plain failure, not a crash.
            var unwritable = await ReformProcess.RunAsync(
                ["--clickhouse", engine.ConnectionString, "report", "--form", "tthc-results", "--period", "2024-03", "--province", "72", "--geo", "2008",
                    "--out", Path.Combine(directory, "khong-co", "bieu.xlsx")], environment);
            Assert.Equal(1, unwritable.ExitCode);
            Assert.Contains("Không đọc hoặc ghi được tệp", unwritable.StandardError, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", unwritable.StandardError, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}

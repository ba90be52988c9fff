using ReformMetrics.Store.Migrations;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Store.Tests.Migrations;

public sealed class MigrationTests
{
    [Theory]
    [InlineData("0001_events.sql", 1, "0001_events")]
    [InlineData("0042_kpi_views_v2.sql", 42, "0042_kpi_views_v2")]
    public void Reads_version_and_name_from_the_file_name(string file, int version, string name)
    {
        var migration = Migration.FromFile(file, "SELECT 1");

        Assert.Equal(version, migration.Version);
        Assert.Equal(name, migration.Name);
    }

    [Theory]
    [InlineData("1_events.sql")]
    [InlineData("0001-events.sql")]
    [InlineData("0001_Events.sql")]
    [InlineData("0001_events.txt")]
    public void Refuses_file_names_off_the_pattern(string file)
    {
        var error = Assert.Throws<MigrationException>(() => Migration.FromFile(file, "SELECT 1"));
        Assert.Contains(file, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_two_migrations_with_one_version()
    {
        var error = Assert.Throws<MigrationException>(() => Migration.Ordered(
            [Migration.FromFile("0002_b.sql", "SELECT 1"), Migration.FromFile("0002_c.sql", "SELECT 2")]));
        Assert.Contains("0002_b", error.Message, StringComparison.Ordinal);
        Assert.Contains("0002_c", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Line_endings_do_not_change_the_checksum_but_content_does()
    {
        var unix = Migration.FromFile("0001_a.sql", "SELECT 1;\nSELECT 2;\n");
        var windows = Migration.FromFile("0001_a.sql", "SELECT 1;\r\nSELECT 2;\r\n");
        var edited = Migration.FromFile("0001_a.sql", "SELECT 1;\nSELECT 3;\n");

        Assert.Equal(unix.Checksum, windows.Checksum);
        Assert.NotEqual(unix.Checksum, edited.Checksum);
    }

    [Fact]
    public void Every_file_in_sql_migrations_is_embedded_in_the_store_assembly()
    {
        var directory = Path.Combine(Repository.Root, "sql", "migrations");
        var files = Directory.GetFiles(directory, "*.sql").Select(f => Path.GetFileNameWithoutExtension(f)!).Order(StringComparer.Ordinal).ToList();

        var repeatable = Path.Combine(Repository.Root, "sql", "repeatable");
        var definitions = Directory.GetFiles(repeatable, "*.sql").Select(f => Path.GetFileNameWithoutExtension(f)!).Order(StringComparer.Ordinal).ToList();

        var embedded = Migration.LoadEmbedded();

        Assert.Equal([.. files, .. definitions], embedded.Select(m => m.Name).ToList());
        Assert.Equal(definitions, embedded.Where(m => m.Repeatable).Select(m => m.Name).ToList());
        foreach (var migration in embedded)
        {
            Assert.Equal(File.ReadAllText(Path.Combine(migration.Repeatable ? repeatable : directory, migration.Name + ".sql")), migration.Script);
        }
    }

    [Theory]
    [InlineData("kpi_views.sql", true)]
    [InlineData("0011_kpi_views.sql", false)]
    [InlineData("KPI_views.sql", false)]
    [InlineData("kpi-views.sql", false)]
    [InlineData("kpi_views.txt", false)]
    public void A_repeatable_definition_is_named_in_lower_case_words(string file, bool valid)
    {
        if (valid)
        {
            var definition = Migration.FromRepeatableFile(file, "SELECT 1");
            Assert.True(definition.Repeatable);
            Assert.Equal(0, definition.Version);
        }
        else
        {
            Assert.Contains(file, Assert.Throws<MigrationException>(() => Migration.FromRepeatableFile(file, "SELECT 1")).Message, StringComparison.Ordinal);
        }
    }
}

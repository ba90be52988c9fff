using System.Text;
using ReformMetrics.Ingest.Reading;
using ReformMetrics.Ingest.Validation;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Ingest.Tests;

public sealed class ReaderTests
{
    private static readonly EventValidator Validator = new(
        new IngestReference(new HashSet<string> { "72", "80" }, new HashSet<string> { "80" }), TimeProvider.System);

    [Fact]
    public void A_stray_quote_rejects_its_own_line_and_the_lines_after_it_still_load()
    {
        var rows = TestFiles.CsvRows("Q", 0, 3).ToList();
        rows[2] = "Q0-t,Q0,returned,\"2025-03-05T08:00:00+07:00,,,,,,postal,,,,,"; // unclosed quote on line 4

        var read = Read(TestFiles.Header + "\n" + string.Join("\n", rows) + "\n");

        Assert.Equal(12, read.Count);
        var rejected = Assert.Single(read, r => r.Rejection is not null).Rejection!;
        Assert.Equal(4, rejected.Line);
        Assert.Contains("Q0-t", rejected.Raw, StringComparison.Ordinal);
        Assert.Equal(11, read.Count(r => r.Event is not null));
        Assert.Equal([2L, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13], read.Where(r => r.Event is not null).Select(r => r.Event!.Line));
    }

    [Theory]
    [InlineData("\"no closing quote")]
    [InlineData("\"ends with a doubled quote\"\"")]
    [InlineData("\"")]
    public void A_last_field_that_opens_a_quote_and_never_closes_it_rejects_only_its_row(string reason)
    {
        var rows = TestFiles.CsvRows("L", 0, 2).ToList();
        rows[^1] = rows[^1][..rows[^1].LastIndexOf(',')] + "," + reason;

        var read = Read(TestFiles.Header + "\n" + string.Join("\n", rows) + "\n");

        var rejected = Assert.Single(read, r => r.Rejection is not null).Rejection!;
        Assert.Equal(rows.Count + 1, rejected.Line);
        Assert.Equal(rows.Count - 1, read.Count(r => r.Event is not null));
    }

    [Fact]
    public void A_quoted_value_may_span_lines()
    {
        var row = "M1-r,M1,received,2025-03-03T09:00:00+07:00,72,district,AG1,HOTICH,DEMO.HT.001,online,true,,,,\"dòng một\ndòng hai\"";

        var read = Read(TestFiles.Header + "\n" + row + "\n");

        Assert.Equal("dòng một\ndòng hai", Assert.Single(read).Event!.Reason);
    }

    [Fact]
    public void A_row_with_too_many_columns_is_rejected_as_a_row()
    {
        var read = Read(TestFiles.Header + "\n" + TestFiles.CsvRows("C", 0, 1).First() + ",extra\n");

        var rejection = Assert.Single(read).Rejection!;
        Assert.Equal("row", rejection.Field);
        Assert.Contains("16 cột", rejection.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Bytes_that_are_not_utf8_reject_the_row_they_are_in()
    {
        var good = TestFiles.CsvRows("U", 0, 1).ToList();
        var bytes = new List<byte>(Encoding.UTF8.GetBytes(TestFiles.Header + "\n" + good[0] + "\n"));
        bytes.AddRange(Encoding.UTF8.GetBytes("U9-r,U9,received,2025-03-03T09:00:00+07:00,72,district,AG"));
        bytes.AddRange([0xC3, 0x28]); // invalid UTF-8 sequence
        bytes.AddRange(Encoding.UTF8.GetBytes(",HOTICH,DEMO.HT.001,online,true,,,,\n"));

        var read = EventSource.Read(new MemoryStream([.. bytes]), SourceFormat.Csv, Validator, CancellationToken.None).ToList();

        Assert.NotNull(read[0].Event);
        Assert.Equal("agency_code", read[1].Rejection!.Field);
        Assert.Contains("UTF-8", read[1].Rejection!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Columns_are_matched_by_name_in_any_order_with_a_byte_order_mark()
    {
        const string text = "\uFEFFdossier_id,occurred_at,event_type,event_id,outcome\nD1,2025-03-04T09:00:00,resolved,E1,approved\n";

        var read = Read(text);

        Assert.Equal(("E1", "D1"), (read[0].Event!.EventId, read[0].Event!.DossierId));
    }

    [Theory]
    [InlineData("event_id,dossier_id,event_type\n", "occurred_at")]
    [InlineData("event_id,dossier_id,event_type,occurred_at,event_id\n", "hai lần")]
    [InlineData("", "không có dòng tiêu đề")]
    public void A_header_without_the_required_columns_refuses_the_file(string text, string expected)
    {
        var error = Assert.Throws<SourceFormatException>(() => Read(text));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ndjson_lines_are_read_with_their_line_numbers_and_bad_lines_rejected()
    {
        const string text = """
            {"event_id":"N1","dossier_id":"D1","event_type":"received","occurred_at":"2025-03-03T09:00:00+07:00","province_code":"72","level":"district","agency_code":"A","sector_code":"S","procedure_code":"P","channel":"online","online_enabled":true}

            {"event_id":"N2","dossier_id":"D1","event_type":"received","occurred_at":"2025-03-03T09:00:00+07:00","province_code":72}
            {"event_id": "N3", broken
            ["not", "an", "object"]
            {"event_id":"N4","dossier_id":"D1","event_type":"resolved","occurred_at":"2025-03-04T09:00:00","outcome":"approved","extra":1}
            """;

        var read = EventSource.Read(new MemoryStream(Encoding.UTF8.GetBytes(text)), SourceFormat.Ndjson, Validator, CancellationToken.None).ToList();

        Assert.Equal(5, read.Count);
        Assert.Equal((1L, (byte)2), (read[0].Event!.Line, read[0].Event!.OnlineEnabled));
        Assert.Equal((3L, "province_code"), (read[1].Rejection!.Line, read[1].Rejection!.Field));
        Assert.Equal((4L, "row"), (read[2].Rejection!.Line, read[2].Rejection!.Field));
        Assert.Contains("JSON", read[2].Rejection!.Reason, StringComparison.Ordinal);
        Assert.Contains("đối tượng", read[3].Rejection!.Reason, StringComparison.Ordinal);
        Assert.Equal(6L, read[4].Event!.Line);
    }

    [Fact]
    public void Gzip_is_recognised_by_its_bytes()
    {
        var directory = Directory.CreateTempSubdirectory("reform-gz-").FullName;
        try
        {
            var path = TestFiles.WriteCsv(directory, "a.csv.gz", TestFiles.CsvRows("G", 0, 2), gzip: true);
            using var file = File.OpenRead(path);

            var read = EventSource.Read(EventSource.Decompressed(file), EventSource.FormatOf(path, file), Validator, CancellationToken.None).ToList();

            Assert.Equal(8, read.Count(r => r.Event is not null));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static List<ReadRow> Read(string csv) =>
        EventSource.Read(new MemoryStream(Encoding.UTF8.GetBytes(csv)), SourceFormat.Csv, Validator, CancellationToken.None).ToList();
}

using System.IO.Compression;
using System.Text;
using ReformMetrics.Ingest.Limits;
using ReformMetrics.Ingest.Reading;
using ReformMetrics.Ingest.Validation;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Ingest.Tests;

/// <summary>A row or line past the limit is one rejected row, read past without being held; the rows after it load.</summary>
public sealed class LineLimitTests
{
    private static readonly EventValidator Validator = new(
        new IngestReference(new HashSet<string> { "72", "80" }, new HashSet<string> { "80" }), TimeProvider.System);

    [Fact]
    public void A_20_MB_csv_line_in_the_middle_is_rejected_alone_without_being_held_and_the_rows_after_it_load()
    {
        // Past Sep's own buffer (16 Mi characters), where it used to fail the whole file.
        var rows = TestFiles.CsvRows("BIG", 0, 4).ToList();
        var huge = "BIG-huge,BIGH,received,2025-03-03T09:00:00+07:00,72,district,AG1,HOTICH,DEMO.HT.001,online,true,,,," + new string('x', 20_000_000);
        rows.Insert(8, huge);

        var csv = Csv(rows);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var read = EventSource.Read(csv, SourceFormat.Csv, Validator, CancellationToken.None).ToList();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(17, read.Count);
        var rejected = Assert.Single(read, r => r.Rejection is not null).Rejection!;
        Assert.Equal((10L, "row"), (rejected.Line, rejected.Field));
        var length = huge.Length.ToString("N0", System.Globalization.CultureInfo.GetCultureInfo("vi-VN"));
        Assert.Contains($"dòng dài {length} byte, vượt giới hạn 65.536 byte", rejected.Reason, StringComparison.Ordinal);
        Assert.StartsWith("BIG-huge,BIGH,received", rejected.Raw, StringComparison.Ordinal);
        Assert.EndsWith($"… [đã cắt, dòng dài {length} byte]", rejected.Raw, StringComparison.Ordinal);
        Assert.True(rejected.Raw.Length < 5000, $"{rejected.Raw.Length} characters kept");
        Assert.Equal(Enumerable.Range(2, 17).Where(l => l != 10).Select(l => (long)l), read.Where(r => r.Event is not null).Select(r => r.Event!.Line));
        // The line is 20 MB: reading the file allocates far less than the line.
        Assert.True(allocated < 8_000_000, $"{allocated:N0} bytes allocated");
    }

    [Fact]
    public void A_256_MB_ndjson_line_in_a_gzip_body_is_rejected_alone_and_reading_it_holds_a_few_megabytes()
    {
        var body = GzipNdjson(
            """{"event_id":"N1","dossier_id":"ND1","event_type":"resolved","occurred_at":"2025-03-04T09:00:00+07:00","outcome":"approved"}""",
            256 << 20,
            """{"event_id":"N2","dossier_id":"ND1","event_type":"rated","occurred_at":"2025-03-05T09:00:00+07:00","rating":"satisfied"}""");

        var content = new MemoryStream(body);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var read = EventSource.Read(EventSource.Decompressed(content), SourceFormat.Ndjson, Validator, CancellationToken.None).ToList();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(["N1", null, "N2"], read.Select(r => r.Event?.EventId));
        var rejected = read[1].Rejection!;
        Assert.Equal((2L, "row"), (rejected.Line, rejected.Field));
        Assert.Contains("268.435.", rejected.Reason, StringComparison.Ordinal);
        Assert.True(allocated < 16_000_000, $"{allocated:N0} bytes allocated");
    }

    [Fact]
    public void A_quote_that_never_closes_in_a_long_file_cuts_its_own_line_and_every_later_row_loads()
    {
        // 4,000 rows after the stray quote: far more than one limit's worth, where the reader used to swallow them all.
        var rows = TestFiles.CsvRows("SQ", 0, 1000).ToList();
        rows[1] = "SQ0-x,SQ0,resolved,\"2025-03-04T08:00:00+07:00,,,,,,,,,approved,,";

        var read = EventSource.Read(Csv(rows), SourceFormat.Csv, Validator, CancellationToken.None, maxLineBytes: 4096).ToList();

        Assert.Equal(4000, read.Count);
        var rejected = Assert.Single(read, r => r.Rejection is not null).Rejection!;
        Assert.Equal((3L, "row"), (rejected.Line, rejected.Field));
        Assert.Contains("dấu ngoặc kép", rejected.Reason, StringComparison.Ordinal);
        Assert.StartsWith("SQ0-x,SQ0,resolved", rejected.Raw, StringComparison.Ordinal);
    }

    [Fact]
    public void A_quoted_value_with_line_breaks_within_the_limit_is_kept_and_a_file_of_normal_rows_reads_unchanged()
    {
        var rows = TestFiles.CsvRows("ML", 0, 500).ToList();
        rows[5] = rows[5][..rows[5].LastIndexOf(',')] + ",\"một lý do\nhai dòng, \"\"trích\"\"\r\nba dòng\"";

        var bounded = EventSource.Read(Csv(rows), SourceFormat.Csv, Validator, CancellationToken.None, maxLineBytes: 1024).ToList();
        var unbounded = EventSource.Read(Csv(rows), SourceFormat.Csv, Validator, CancellationToken.None, maxLineBytes: 16 << 20).ToList();

        Assert.Equal(2000, bounded.Count);
        Assert.All(bounded, r => Assert.Null(r.Rejection));
        Assert.Equal("một lý do\nhai dòng, \"trích\"\r\nba dòng", bounded[5].Event!.Reason);
        Assert.Equal(unbounded.Select(r => (r.Event!.EventId, r.Event.Line, r.Event.Reason)), bounded.Select(r => (r.Event!.EventId, r.Event.Line, r.Event.Reason)));
    }

    [Fact]
    public void A_gzip_source_that_unpacks_past_its_limit_is_refused_as_a_whole()
    {
        var body = GzipNdjson(string.Empty, 4 << 20, string.Empty);

        var error = Assert.Throws<SourceTooLargeException>(() =>
            EventSource.Read(EventSource.Decompressed(new MemoryStream(body), maxUnpackedBytes: 1 << 20), SourceFormat.Ndjson, Validator, CancellationToken.None).ToList());

        Assert.Contains("1.048.576 byte", error.Message, StringComparison.Ordinal);
        Assert.Contains("bom gzip", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejected_text_is_cut_per_row_and_per_batch_with_its_length_and_the_reason_always_kept()
    {
        var budget = new RawBudget(new IntakeOptions { MaxRawChars = 100, MaxRawCharsPerBatch = 250 });
        var long_ = new Contract.Rejection(7, new string('a', 1000), "reason", "dài");

        var first = budget.Cap(long_);
        var second = budget.Cap(long_);
        var afterBudget = budget.Cap(long_ with { Line = 8 });
        budget.Reset();
        var nextBatch = budget.Cap(long_);

        Assert.Equal(new string('a', 100) + "… [đã cắt, dài 1.000 ký tự]", first.Raw);
        Assert.Equal(first.Raw, second.Raw);
        Assert.Equal(new string('a', RawBudget.ShortChars) + "… [đã cắt, dài 1.000 ký tự]", afterBudget.Raw);
        Assert.Equal((8L, "reason", "dài"), (afterBudget.Line, afterBudget.Field, afterBudget.Reason));
        Assert.Equal(first.Raw, nextBatch.Raw);
    }

    private static MemoryStream Csv(IEnumerable<string> rows) =>
        new(Encoding.UTF8.GetBytes(TestFiles.Header + "\n" + string.Join("\n", rows) + "\n"));

    /// <summary>A gzip NDJSON body: a line, then one line of <paramref name="hugeBytes"/> bytes (a JSON object with one long
    /// string), then a line; written in pieces, so that the test itself never holds the huge line.</summary>
    internal static byte[] GzipNdjson(string before, long hugeBytes, string after)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            if (before.Length > 0)
            {
                gzip.Write(Encoding.UTF8.GetBytes(before + "\n"));
            }

            var open = """{"event_id":"H","reason":" """u8.ToArray()[..^1];
            gzip.Write(open);
            var chunk = Enumerable.Repeat((byte)'a', 1 << 20).ToArray();
            var left = hugeBytes - open.Length - 2;
            while (left > 0)
            {
                var part = (int)Math.Min(left, chunk.Length);
                gzip.Write(chunk, 0, part);
                left -= part;
            }

            gzip.Write("\"}\n"u8);
            if (after.Length > 0)
            {
                gzip.Write(Encoding.UTF8.GetBytes(after + "\n"));
            }
        }

        return output.ToArray();
    }
}

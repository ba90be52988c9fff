using System.Runtime.InteropServices;
using ClickHouse.Driver;
using Dapper;
using ReformMetrics.Ingest.Loading;
using ReformMetrics.TestSupport;

namespace ReformMetrics.Ingest.Tests;

/// <summary>
/// The columnar batch: values kept byte for byte (multi-byte UTF-8, long values), code dictionaries of every index
/// width, the key indexes, and a Native block read back by a real ClickHouse into the events structure.
/// </summary>
public sealed class BatchColumnsTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    [Fact]
    public void Strings_keep_their_value_whatever_their_length_and_script()
    {
        var column = new Utf8Column();
        string[] values = ["", "HS-001", "Hộ tịch – đăng ký khai sinh", new string('đ', 70), new string('x', 20_000)];
        foreach (var value in values)
        {
            column.Add(value);
        }

        column.Add("dropped");
        column.RemoveLast();

        Assert.Equal(values, Enumerable.Range(0, column.Count).Select(column.GetString));
        // 70 × 'đ' is 140 UTF-8 bytes: a two-byte length prefix, as ClickHouse writes it.
        Assert.Equal([0x8C, 0x01], column.Entry(3)[..2].ToArray());
        Assert.Equal(Utf8Column.EntryOf("HS-001"), column.Entry(1).ToArray());
    }

    [Theory]
    [InlineData(new[] { 0, 1, 2, 3, 4, 5 }, 1)] // every row: one piece
    [InlineData(new[] { 0, 1, 2, 5, 6, 9 }, 3)]
    [InlineData(new[] { 1, 3, 5 }, 3)]
    [InlineData(new[] { 4 }, 1)]
    public void Runs_of_consecutive_rows_are_their_entries_one_after_the_other(int[] rows, int pieces)
    {
        var column = new Utf8Column();
        foreach (var value in new[] { "K1-r", "", "Hộ tịch", new string('đ', 70), "K2-x", "K3", "K4-t", "K5", "K6", "K7-s" })
        {
            column.Add(value);
        }

        var runs = new List<byte[]>();
        for (var index = 0; index < rows.Length;)
        {
            runs.Add(column.NextRun(rows, ref index).ToArray());
        }

        // Block strings and the insert's deduplication token read the same bytes as row by row, in fewer pieces.
        Assert.Equal(pieces, runs.Count);
        Assert.Equal(rows.SelectMany(r => column.Entry(r).ToArray()), runs.SelectMany(r => r));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(255)] // 256 keys with the empty one: still one byte per row
    [InlineData(300)] // two bytes per row
    [InlineData(70_000)] // four bytes per row
    public void Codes_are_one_dictionary_entry_each_and_every_row_reads_back(int distinct)
    {
        var column = new CodeColumn();
        var expected = new List<string>();
        for (var i = 0; i < distinct * 2; i++)
        {
            var code = i % 7 == 0 ? string.Empty : $"MÃ-{i % distinct}";
            column.Add(code);
            expected.Add(code);
        }

        Assert.Equal(expected, Enumerable.Range(0, column.Count).Select(column.GetString));
        Assert.Equal(expected.Distinct().Count() + (expected.Contains(string.Empty) ? 0 : 1), column.Keys.Count);
        Assert.Equal(string.Empty, column.Keys.GetString(0));

        column.Clear();
        column.Add("A");
        Assert.Equal((1, 2), (column.Count, column.Keys.Count));
    }

    [Fact]
    public void The_key_index_tells_events_apart_by_dossier_and_event_id_byte_for_byte()
    {
        var columns = new EventColumns();
        (string Dossier, string Event)[] rows = [("D1", "E1"), ("D1", "E2"), ("D2", "E1"), ("D1", "E1"), ("D1E", "1"), ("D1", "E1 ")];
        foreach (var (dossier, eventId) in rows)
        {
            columns.Add(eventId, dossier, 1, 0, "01", 1, "A", "S", "P", 1, 0, EventColumns.NoDeadline, 0, 0, string.Empty, 1);
        }

        var batch = new IngestBatch("key", "test", 0, 1, rows.Length, columns, []);
        EventLoader.Index(batch);

        var scratch = columns.Scratch;
        Assert.Equal([true, true, true, false, true, true], scratch.Keep.AsSpan(0, rows.Length).ToArray());
        Assert.Equal(1, scratch.RepeatedWithin);
        Assert.Equal(3, scratch.Dossiers.Count); // D1, D2, D1E
        var d2 = Utf8Column.EntryOf("D2");
        var e1 = Utf8Column.EntryOf("E1");
        Assert.Equal(2, scratch.Events.Find(EventKeyIndex.EventHash(d2, e1), d2, e1));
        var missing = Utf8Column.EntryOf("D3");
        Assert.Equal(-1, scratch.Events.Find(EventKeyIndex.EventHash(missing, e1), missing, e1));
    }

    [Fact]
    public async Task A_native_block_of_selected_rows_is_stored_by_ClickHouse_as_written()
    {
        var columns = new EventColumns();
        var due = new DateTimeOffset(2025, 3, 6, 17, 0, 0, TimeSpan.FromHours(7)).ToUnixTimeMilliseconds();
        var at = new DateTimeOffset(2025, 3, 3, 9, 0, 0, TimeSpan.FromHours(7)).ToUnixTimeMilliseconds();
        for (var i = 0; i < 1000; i++)
        {
            // 500 agencies: the agency dictionary needs two-byte indexes, the other codes one byte.
            columns.Add($"NB-E{i}", $"NB-D{i / 2}", (byte)(i % 2 == 0 ? 1 : 5), at + i, i % 2 == 0 ? "72" : string.Empty, (byte)(i % 2 == 0 ? 3 : 0),
                i % 2 == 0 ? $"UBND-Xã-{i}" : string.Empty, i % 2 == 0 ? "HOTICH" : string.Empty, i % 2 == 0 ? "DEMO.HT.001" : string.Empty,
                (byte)(i % 2 == 0 ? 2 : 0), (byte)(i % 4 == 0 ? 2 : i % 2 == 0 ? 1 : 0), i % 2 == 0 ? due : EventColumns.NoDeadline,
                (byte)(i % 2 == 1 ? 1 : 0), 0, i == 5 ? "Lý do \"có\" dấu, phẩy" : string.Empty, i + 2);
        }

        int[] selected = [.. Enumerable.Range(0, 1000).Where(i => i % 3 != 0)];
        var writer = new NativeBlockWriter();
        writer.Write(columns, selected, "nguồn.csv", "khoá:0");
        Assert.True(MemoryMarshal.TryGetArray(writer.Written, out var block));
        using (await database.Store.Client.InsertRawStreamAsync(
            "events", new MemoryStream(block.Array!, block.Offset, block.Count), "Native", NativeBlockWriter.Columns, useCompression: false,
            new QueryOptions { CustomSettings = new Dictionary<string, object> { ["async_insert"] = 0 } }, TestContext.Current.CancellationToken))
        {
        }

        await using var connection = database.Store.CreateConnection();
        var stored = (await connection.QueryAsync<StoredEvent>(
            """
            SELECT event_id AS EventId, toString(event_type) AS Type, toUnixTimestamp64Milli(occurred_at) AS At, toString(province_code) AS Province,
                   toString(level) AS Level, toString(agency_code) AS Agency, toString(channel) AS Channel, online_enabled AS Online,
                   toUnixTimestamp64Milli(due_at) AS Due, toString(outcome) AS Outcome, reason AS Reason, toString(source) AS Source,
                   toString(load_id) AS Load
            FROM events WHERE startsWith(event_id, 'NB-') ORDER BY toUInt32(substring(event_id, 5))
            """)).ToList();

        Assert.Equal(selected.Length, stored.Count);
        for (var n = 0; n < selected.Length; n++)
        {
            var i = selected[n];
            var e = columns.ToEvent(i);
            var s = stored[n];
            Assert.Equal(
                new StoredEvent(e.EventId, i % 2 == 0 ? "received" : "resolved", e.OccurredAtMs, e.ProvinceCode, i % 2 == 0 ? "commune" : null,
                    e.AgencyCode, i % 2 == 0 ? "online" : null, i % 4 == 0 ? true : i % 2 == 0 ? false : null, e.DueAtMs,
                    i % 2 == 1 ? "approved" : null, e.Reason, "nguồn.csv", "khoá:0"),
                s);
        }
    }

    private sealed record StoredEvent(
        string EventId, string Type, long At, string Province, string? Level, string Agency, string? Channel, bool? Online, long? Due,
        string? Outcome, string Reason, string Source, string Load);
}

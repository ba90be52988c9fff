using System.IO.Compression;
using System.Text;
using ReformMetrics.Cli.Bench.Campaign;

namespace ReformMetrics.Cli.Bench.Hostile;

/// <summary>One hostile body for <c>POST /api/events</c>: its category, what it is, the bytes (or a stream for sizes that must
/// not be held in memory), the headers, and the key to send (null: none). Bombs are watched for the server's memory; heavy
/// bodies (megabytes) are left out of quick runs with them.</summary>
internal sealed record IntakeCase(string Category, string Name, Func<HttpContent> Content, string? Key, bool Bomb = false, bool Heavy = false)
{
    /// <summary>Headers and bytes to write on a socket instead of sending <see cref="Content"/> with HttpClient: a client that
    /// is still sending when the server answers early and closes (413) sees a reset, not the answer.</summary>
    public Func<(Dictionary<string, string> Headers, byte[] Body)>? Raw { get; init; }

    public const string SourceKey = "<khoá hợp lệ>";
}

/// <summary>
/// The hostile bodies of the intake fuzzing: mutations of a valid body field by field (empty, oversized, control
/// characters, bytes that are not UTF-8, SQL-shaped, formula-shaped, mistyped, Unicode edges), broken CSV and NDJSON
/// structure, huge fields and lines, wrong or missing content types and keys, and compressed bodies that unpack to far
/// more than they weigh (gzip bombs).
/// </summary>
internal static class IntakeCases
{
    public const string Auth = "khoá API";
    public const string ContentType = "kiểu nội dung";
    public const string CsvField = "trường CSV";
    public const string JsonField = "trường NDJSON";
    public const string CsvShape = "cấu trúc CSV";
    public const string JsonShape = "cấu trúc NDJSON";
    public const string Gzip = "gzip";
    public const string Size = "kích thước";

    private static readonly (string Name, byte[] Bytes)[] FieldMutations =
    [
        ("rỗng", []),
        ("100 KB", Encoding.UTF8.GetBytes(new string('x', 100 * 1024))),
        ("NUL", [0x30, 0x00, 0x31]),
        ("ESC và CR", Encoding.UTF8.GetBytes("\u001b[2J\r")),
        ("byte không phải UTF-8", [0xFF, 0xFE, 0xC3, 0x28]),
        ("dạng SQL", Encoding.UTF8.GetBytes("x'); DROP TABLE events; --")),
        ("dạng công thức", Encoding.UTF8.GetBytes("=HYPERLINK(\"http://evil.example\";\"x\")")),
        ("sai kiểu", Encoding.UTF8.GetBytes("yesterday")),
        ("Unicode biên", Encoding.UTF8.GetBytes("\u202eHa\u0300 No\u0323\u0302i 😀\ufeff")),
    ];

    public static IReadOnlyList<IntakeCase> All(CampaignEvents events, bool quick)
    {
        ArgumentNullException.ThrowIfNull(events);
        var rows = events.NextBatch(2, DateTimeOffset.UtcNow).Concat(events.Close(DateTimeOffset.UtcNow)).ToList();
        var csv = Encoding.UTF8.GetBytes(CampaignEvents.ToCsv(rows));
        var cases = new List<IntakeCase>
        {
            new(Auth, "không có khoá", () => Csv(csv), Key: null),
            new(Auth, "khoá sai", () => Csv(csv), Key: "rk_" + new string('A', 43)),
            new(Auth, "khoá rỗng sau Bearer", () => Csv(csv), Key: string.Empty),
            new(Auth, "khoá 100 KB", () => Csv(csv), Key: new string('k', 100 * 1024)),
            new(Auth, "khoá dạng SQL", () => Csv(csv), Key: "' OR '1'='1"),
            new(ContentType, "không có Content-Type", () => new ByteArrayContent(csv), IntakeCase.SourceKey),
            new(ContentType, "application/json", () => Typed(csv, "application/json"), IntakeCase.SourceKey),
            new(ContentType, "text/plain", () => Typed(csv, "text/plain"), IntakeCase.SourceKey),
            new(ContentType, "multipart/form-data", () => Typed(csv, "multipart/form-data; boundary=x"), IntakeCase.SourceKey),
            new(ContentType, "text/csv; charset=latin1 với byte Latin-1", () => Typed(Encoding.Latin1.GetBytes("event_id,dossier_id\nÀ,é\n"), "text/csv; charset=iso-8859-1"), IntakeCase.SourceKey),
            new(ContentType, "TEXT/CSV chữ hoa", () => Typed(csv, "TEXT/CSV"), IntakeCase.SourceKey),
        };

        var received = rows.First(r => r[2] == "received");
        foreach (var (field, index) in CampaignEvents.Fields.Select((f, i) => (f, i)).Take(quick ? 4 : CampaignEvents.Fields.Length))
        {
            foreach (var (name, bytes) in quick ? FieldMutations.Take(3) : FieldMutations)
            {
                cases.Add(new(CsvField, $"{field}: {name}", () => Csv(CsvWith(received, index, bytes)), IntakeCase.SourceKey));
                cases.Add(new(JsonField, $"{field}: {name}", () => Ndjson(JsonWith(received, index, bytes)), IntakeCase.SourceKey));
            }
        }

        var header = string.Join(',', CampaignEvents.Fields);
        var row = string.Join(',', received);
        cases.AddRange(
        [
            new(CsvShape, "ngoặc kép không đóng", () => Csv(Utf8($"{header}\n\"{row}\n{row}\n")), IntakeCase.SourceKey),
            new(CsvShape, "ngoặc kép giữa trường", () => Csv(Utf8($"{header}\n{row.Replace(",received,", ",rec\"ei\"ved,", StringComparison.Ordinal)}\n")), IntakeCase.SourceKey),
            new(CsvShape, "thừa cột", () => Csv(Utf8($"{header}\n{row},thua,thua\n")), IntakeCase.SourceKey),
            new(CsvShape, "thiếu cột", () => Csv(Utf8($"{header}\n{string.Join(',', received.Take(4))}\n")), IntakeCase.SourceKey),
            new(CsvShape, "chỉ có dòng tiêu đề", () => Csv(Utf8(header + "\n")), IntakeCase.SourceKey),
            new(CsvShape, "thân rỗng", () => Csv([]), IntakeCase.SourceKey),
            new(CsvShape, "không có dòng tiêu đề", () => Csv(Utf8(row + "\n")), IntakeCase.SourceKey),
            new(CsvShape, "cột tiêu đề trùng", () => Csv(Utf8($"event_id,{header}\nX,{row}\n")), IntakeCase.SourceKey),
            new(CsvShape, "cột tiêu đề lạ", () => Csv(Utf8($"{header},lạ'; DROP\n{row},x\n")), IntakeCase.SourceKey),
            new(CsvShape, "BOM và xuống dòng CR", () => Csv(Utf8($"\ufeff{header}\r{row}\r")), IntakeCase.SourceKey),
            new(CsvShape, "NUL trong tiêu đề", () => Csv(Utf8($"event\0_id,{header}\n")), IntakeCase.SourceKey),
            new(CsvShape, "một trường 10 MB", () => Csv(Utf8($"{header}\n{row.Replace(",received,", $",received{new string('r', 10 << 20)},", StringComparison.Ordinal)}\n")), IntakeCase.SourceKey, Heavy: true),
            new(CsvShape, "dòng 1 triệu dấu phẩy", () => Csv(Utf8($"{header}\n{new string(',', 1_000_000)}\n")), IntakeCase.SourceKey, Heavy: true),
            new(CsvShape, "1.000 dòng bị loại, mỗi dòng 60 KB", () => Csv(RejectedRows(header, received, 1000, 60 * 1024)), IntakeCase.SourceKey, Heavy: true),
            new(JsonShape, "không phải JSON", () => Ndjson(Utf8("{event_id: x, \n}}}\n")), IntakeCase.SourceKey),
            new(JsonShape, "lồng 100.000 tầng", () => Ndjson(Utf8(new string('[', 100_000) + new string(']', 100_000) + "\n")), IntakeCase.SourceKey, Heavy: true),
            new(JsonShape, "mảng thay cho từng dòng", () => Ndjson(Utf8("[" + CampaignEvents.ToNdjson([received]).Trim() + "]\n")), IntakeCase.SourceKey),
            new(JsonShape, "rác sau đối tượng", () => Ndjson(Utf8(CampaignEvents.ToNdjson([received]).Trim() + " garbage}\n")), IntakeCase.SourceKey),
            new(JsonShape, "chỉ có dòng trống", () => Ndjson(Utf8("\n\n\n")), IntakeCase.SourceKey),
            new(JsonShape, "khoá trùng", () => Ndjson(Utf8(CampaignEvents.ToNdjson([received]).Trim().TrimEnd('}') + ",\"event_id\":\"khac\"}\n")), IntakeCase.SourceKey),
            new(JsonShape, "chuỗi 10 MB", () => Ndjson(Utf8("{\"event_id\":\"" + new string('j', 10 << 20) + "\"}\n")), IntakeCase.SourceKey, Heavy: true),
            new(JsonShape, "số khổng lồ và null", () => Ndjson(Utf8("{\"event_id\":1e99999,\"dossier_id\":null,\"event_type\":[\"received\"]}\nnull\n")), IntakeCase.SourceKey),
            new(Gzip, "bom: một dòng NDJSON 256 MB (nén khoảng 260 KB)", () => Ndjson(Bomb(Utf8("{\"event_id\":\""), (byte)'A', 256L << 20, Utf8("\"}\n"))), IntakeCase.SourceKey, Bomb: true),
            new(Gzip, "bom: 1 GB dòng trống sau tiêu đề CSV", () => Csv(Bomb(Utf8(header + "\n"), (byte)'\n', 1L << 30, [])), IntakeCase.SourceKey, Bomb: true),
            new(Gzip, "bom: 1.000 dòng bị loại 60 KB mỗi dòng, nén", () => Csv(Compress(RejectedRows(header, received, 1000, 60 * 1024))), IntakeCase.SourceKey, Bomb: true),
            new(Gzip, "Content-Encoding: gzip với thân không nén", () => Encoded(Csv(csv)), IntakeCase.SourceKey),
            new(Gzip, "gzip bị cắt cụt", () => Csv(Compress(csv)[..20]), IntakeCase.SourceKey),
            new(Gzip, "rác sau mã nhận dạng gzip", () => Csv([0x1F, 0x8B, .. Utf8(new string('z', 4096))]), IntakeCase.SourceKey),
            new(Gzip, "gzip lồng gzip", () => Csv(Compress(Compress(csv))), IntakeCase.SourceKey),
            new(Gzip, "gzip chứa byte không phải UTF-8", () => Csv(Compress([.. Utf8(header + "\n"), 0xFF, 0xFE, 0x0A])), IntakeCase.SourceKey),
            new(Size, "tải lên từng khúc (chunked) 70 MB", () => new ByteArrayContent([]), IntakeCase.SourceKey) { Raw = () => Chunked(70 << 20) },
        ]);
        return cases;
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static ByteArrayContent Csv(byte[] bytes) => Typed(bytes, "text/csv");

    private static ByteArrayContent Ndjson(byte[] bytes) => Typed(bytes, "application/x-ndjson");

    private static ByteArrayContent Typed(byte[] bytes, string type)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.TryAddWithoutValidation("Content-Type", type);
        return content;
    }

    private static HttpContent Encoded(HttpContent content)
    {
        content.Headers.ContentEncoding.Add("gzip");
        return content;
    }

    /// <summary>A valid CSV body whose one field holds the given bytes (written as is, unquoted, as a broken source would).</summary>
    private static byte[] CsvWith(string[] row, int index, byte[] value)
    {
        using var body = new MemoryStream();
        body.Write(Utf8(string.Join(',', CampaignEvents.Fields) + "\n"));
        for (var i = 0; i < row.Length; i++)
        {
            body.Write(i == index ? value : Utf8(row[i]));
            body.WriteByte(i == row.Length - 1 ? (byte)'\n' : (byte)',');
        }

        return body.ToArray();
    }

    /// <summary>A valid NDJSON line whose one field holds the given bytes inside its string (raw, so that bytes which are not
    /// UTF-8 reach the reader).</summary>
    private static byte[] JsonWith(string[] row, int index, byte[] value)
    {
        using var body = new MemoryStream();
        body.WriteByte((byte)'{');
        for (var i = 0; i < row.Length; i++)
        {
            body.Write(Utf8($"{(i > 0 ? "," : string.Empty)}\"{CampaignEvents.Fields[i]}\":\""));
            body.Write(i == index ? value : Utf8(row[i]));
            body.WriteByte((byte)'"');
        }

        body.Write("}\n"u8);
        return body.ToArray();
    }

    private static byte[] RejectedRows(string header, string[] row, int count, int fieldBytes)
    {
        using var body = new MemoryStream();
        body.Write(Utf8(header + "\n"));
        var reason = Utf8(new string('R', fieldBytes));
        for (var i = 0; i < count; i++)
        {
            // A row the validator refuses (an unknown event type) and keeps with its raw text.
            body.Write(Utf8($"REJ{i},D{i},"));
            body.Write(reason);
            body.Write(Utf8(string.Concat(Enumerable.Repeat(",", row.Length - 3)) + "\n"));
        }

        return body.ToArray();
    }

    private static byte[] Compress(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize))
        {
            gzip.Write(bytes);
        }

        return output.ToArray();
    }

    /// <summary>gzip of prefix + <paramref name="count"/> copies of one byte + suffix, compressed as it is written.</summary>
    private static byte[] Bomb(byte[] prefix, byte fill, long count, byte[] suffix)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize))
        {
            gzip.Write(prefix);
            var block = new byte[1 << 20];
            Array.Fill(block, fill);
            for (long written = 0; written < count; written += block.Length)
            {
                gzip.Write(block, 0, (int)Math.Min(block.Length, count - written));
            }

            gzip.Write(suffix);
        }

        return output.ToArray();
    }

    /// <summary>A CSV body of the given size in 1 MB chunks, without Content-Length, as a streaming client sends it.</summary>
    private static (Dictionary<string, string> Headers, byte[] Body) Chunked(int bytes)
    {
        using var body = new MemoryStream();
        void Chunk(byte[] data, int size)
        {
            body.Write(Utf8(size.ToString("x", System.Globalization.CultureInfo.InvariantCulture) + "\r\n"));
            body.Write(data, 0, size);
            body.Write("\r\n"u8);
        }

        var header = Utf8(string.Join(',', CampaignEvents.Fields) + "\n");
        Chunk(header, header.Length);
        var blank = new byte[1 << 20];
        Array.Fill(blank, (byte)'\n');
        for (var sent = header.Length; sent < bytes; sent += blank.Length)
        {
            Chunk(blank, Math.Min(blank.Length, bytes - sent));
        }

        body.Write("0\r\n\r\n"u8);
        return (new Dictionary<string, string>(StringComparer.Ordinal) { ["Content-Type"] = "text/csv", ["Transfer-Encoding"] = "chunked" }, body.ToArray());
    }
}

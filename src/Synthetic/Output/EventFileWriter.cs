using System.Text;

namespace ReformMetrics.Synthetic.Output;

/// <summary>Writes contract rows (15 fields in the order of the CSV header, null = empty) to a CSV or NDJSON file.
/// Writing is hand-made because the noise must produce exactly the broken bytes it means to (a cut-off row, a stray
/// quote, invalid UTF-8), which a CSV library rightly refuses to write.</summary>
internal abstract class EventFileWriter : IDisposable
{
    public static readonly string[] Header =
    [
        "event_id", "dossier_id", "event_type", "occurred_at", "province_code", "level", "agency_code", "sector_code",
        "procedure_code", "channel", "online_enabled", "due_at", "outcome", "rating", "reason",
    ];

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    protected StreamWriter Writer { get; }

    public long Rows { get; private set; }

    protected EventFileWriter(string path)
    {
        Writer = new StreamWriter(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16), Utf8, 1 << 16);
    }

    /// <summary>A CSV field: quoted (quotes doubled) only when it holds a comma, a quote or a line break.</summary>
    public static string CsvField(string? value) => Store.CsvText.Field(value);

    public static EventFileWriter Create(string path, bool ndjson) => ndjson ? new NdjsonWriter(path) : new CsvWriter(path);

    public abstract string Extension { get; }

    public void Write(string?[] fields)
    {
        WriteRow(fields);
        Rows++;
    }

    /// <summary>A row that is not well-formed as a whole: too few fields (CSV) or not a JSON object (NDJSON).</summary>
    public abstract void WriteTruncated(string?[] fields);

    /// <summary>A row whose structure breaks: a stray quote (CSV) or a JSON array (NDJSON).</summary>
    public abstract void WriteBrokenStructure(string?[] fields);

    /// <summary>A row whose reason field carries a byte that is not UTF-8.</summary>
    public void WriteInvalidUtf8(string?[] fields)
    {
        var marker = "@@INVALID-UTF8@@";
        fields[14] = marker;
        var text = Render(fields);
        var at = text.IndexOf(marker, StringComparison.Ordinal);
        Writer.Write(text.AsSpan(0, at));
        Writer.Write("bad ");
        Writer.Flush();
        Writer.BaseStream.WriteByte(0xFF);
        Writer.Write(text.AsSpan(at + marker.Length));
        Rows++;
    }

    protected abstract void WriteRow(string?[] fields);

    protected abstract string Render(string?[] fields);

    public void Dispose()
    {
        Writer.Dispose();
        GC.SuppressFinalize(this);
    }

    private sealed class CsvWriter : EventFileWriter
    {
        public CsvWriter(string path) : base(path) => Writer.Write(string.Join(',', Header) + "\n");

        public override string Extension => ".csv";

        protected override void WriteRow(string?[] fields)
        {
            for (var i = 0; i < fields.Length; i++)
            {
                if (i > 0)
                {
                    Writer.Write(',');
                }

                Writer.Write(CsvField(fields[i]));
            }

            Writer.Write('\n');
        }

        protected override string Render(string?[] fields)
        {
            var builder = new StringBuilder();
            for (var i = 0; i < fields.Length; i++)
            {
                builder.Append(i > 0 ? "," : string.Empty).Append(CsvField(fields[i]));
            }

            return builder.Append('\n').ToString();
        }

        public override void WriteTruncated(string?[] fields)
        {
            Writer.Write(Render(fields[..^2]));
            Rows++;
        }

        public override void WriteBrokenStructure(string?[] fields)
        {
            fields[14] = null;
            var text = Render(fields);
            Writer.Write(string.Concat(text.AsSpan(0, text.Length - 1), "\"không đóng ngoặc\n"));
            Rows++;
        }
    }

    private sealed class NdjsonWriter(string path) : EventFileWriter(path)
    {
        public override string Extension => ".ndjson";

        protected override void WriteRow(string?[] fields) => Writer.Write(Render(fields));

        protected override string Render(string?[] fields)
        {
            var builder = new StringBuilder(256).Append('{');
            var first = true;
            for (var i = 0; i < fields.Length; i++)
            {
                if (string.IsNullOrEmpty(fields[i]))
                {
                    continue;
                }

                builder.Append(first ? "\"" : ",\"").Append(Header[i]).Append("\":");
                AppendString(builder, fields[i]!);
                first = false;
            }

            return builder.Append("}\n").ToString();
        }

        public override void WriteTruncated(string?[] fields)
        {
            var text = Render(fields);
            Writer.Write(string.Concat(text.AsSpan(0, text.Length / 2), "\n"));
            Rows++;
        }

        public override void WriteBrokenStructure(string?[] fields)
        {
            Writer.Write("[\"" + fields[0] + "\"]\n");
            Rows++;
        }

        private static void AppendString(StringBuilder builder, string value)
        {
            builder.Append('"');
            foreach (var c in value)
            {
                _ = c switch
                {
                    '"' => builder.Append("\\\""),
                    '\\' => builder.Append("\\\\"),
                    < ' ' => builder.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture)),
                    _ => builder.Append(c),
                };
            }

            builder.Append('"');
        }
    }
}

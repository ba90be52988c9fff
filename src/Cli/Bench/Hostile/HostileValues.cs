namespace ReformMetrics.Cli.Bench.Hostile;

/// <summary>
/// One hostile value: its category, a label for the report, and how it goes on the wire: <see cref="Encoded"/> is the exact
/// percent-encoded text placed in a query string, form body or path segment (so that bytes which are not UTF-8, or a lone
/// surrogate, can be sent at all), and <see cref="Repeat"/> sends the parameter that many times.
/// </summary>
internal sealed record HostileValue(string Category, string Label, string Encoded, int Repeat = 1)
{
    public static HostileValue Text(string category, string label, string text, int repeat = 1) => new(category, label, Uri.EscapeDataString(text), repeat);
}

/// <summary>The values every parameter is tried with, by category.</summary>
internal static class HostileValues
{
    public const string SqlShaped = "dạng SQL";
    public const string Oversized = "quá dài";
    public const string Mistyped = "sai kiểu";
    public const string Control = "ký tự điều khiển";
    public const string Unicode = "Unicode biên";
    public const string Traversal = "vượt thư mục";
    public const string Markup = "chèn HTML";
    public const string OtherProvince = "tỉnh khác";
    public const string Repeated = "lặp tham số";

    /// <summary>The marker of the HTML injection value: seen unencoded in an HTML answer, it would run in a browser.</summary>
    public const string ScriptMarker = "<script>alert('rm-xss')</script>";

    public static readonly IReadOnlyList<HostileValue> All =
    [
        HostileValue.Text(SqlShaped, "' OR '1'='1", "' OR '1'='1"),
        HostileValue.Text(SqlShaped, "01'; DROP TABLE events; --", "01'; DROP TABLE events; --"),
        HostileValue.Text(SqlShaped, "UNION SELECT file('/etc/passwd')", "01' UNION ALL SELECT file('/etc/passwd') --"),
        HostileValue.Text(SqlShaped, "{p:String} và @p0", "{province:String} @p0 $1 ?"),
        HostileValue.Text(SqlShaped, ") FORMAT JSON", "1) FORMAT JSON --"),
        HostileValue.Text(SqlShaped, "backtick và dấu ngoặc kép", "`events`\" OR \"1\"=\"1"),
        HostileValue.Text(Oversized, "100 KB", new string('A', 100 * 1024)),
        HostileValue.Text(Oversized, "7 KB chữ Việt", string.Concat(Enumerable.Repeat("Thủ tục hành chính ", 400))),
        HostileValue.Text(Mistyped, "-1", "-1"),
        HostileValue.Text(Mistyped, "số quá lớn", "99999999999999999999999999"),
        HostileValue.Text(Mistyped, "1e309", "1e309"),
        HostileValue.Text(Mistyped, "NaN", "NaN"),
        HostileValue.Text(Mistyped, "true", "true"),
        HostileValue.Text(Mistyped, "ngày không có (2025-02-30)", "2025-02-30"),
        HostileValue.Text(Mistyped, "kỳ không có (2025-Q9, 2025-13)", "2025-Q9"),
        HostileValue.Text(Mistyped, "rỗng", string.Empty),
        HostileValue.Text(Mistyped, "JSON", "{\"a\":[1,2]}"),
        new(Control, "NUL", "%00"),
        HostileValue.Text(Control, "CRLF + tiêu đề", "x\r\nSet-Cookie: rm=1\r\n"),
        HostileValue.Text(Control, "tab", "\t01\t"),
        HostileValue.Text(Control, "ESC (ANSI)", "\u001b[31m01"),
        HostileValue.Text(Control, "DEL và C1", "\u007f\u0085\u009b"),
        new(Unicode, "byte không phải UTF-8", "%FF%FE%C3%28"),
        new(Unicode, "nửa cặp thay thế (surrogate)", "%ED%A0%80"),
        HostileValue.Text(Unicode, "đảo chiều RTL", "\u202e10\u202c"),
        HostileValue.Text(Unicode, "dấu tổ hợp (NFD)", "Ha\u0300 No\u0323\u0302i"),
        HostileValue.Text(Unicode, "chữ số toàn độ rộng", "\uff10\uff11"),
        HostileValue.Text(Unicode, "BOM và ký tự rộng 0", "\ufeff0\u200b1"),
        HostileValue.Text(Unicode, "emoji ngoài BMP", "😀🏳️‍🌈𝕏"),
        HostileValue.Text(Traversal, "../../etc/passwd", "../../../../../../etc/passwd"),
        new(Traversal, "..%2F mã hoá hai lần", "..%252F..%252F..%252Fetc%252Fpasswd"),
        HostileValue.Text(Traversal, "đường dẫn tuyệt đối", "/etc/passwd"),
        HostileValue.Text(Traversal, "..\\ kiểu Windows", "..\\..\\..\\etc\\passwd"),
        HostileValue.Text(Traversal, "file://", "file:///etc/passwd"),
        HostileValue.Text(Markup, "thẻ script", ScriptMarker),
        HostileValue.Text(Repeated, "lặp 1.000 lần", "01", repeat: 1000),
    ];

    /// <summary>Extra values of the parameters that name a province (<c>province</c>, <c>code</c>): another province in each
    /// form it can take. A province-bound user must be refused every one of them.</summary>
    public static IReadOnlyList<HostileValue> OtherProvinces(string own, string other, string otherOldCode) =>
    [
        HostileValue.Text(OtherProvince, "mã tỉnh khác", other),
        HostileValue.Text(OtherProvince, "tỉnh mình và tỉnh khác", $"{own},{other}"),
        HostileValue.Text(OtherProvince, "đơn vị sau sáp nhập của tỉnh khác (N..)", "N" + other),
        HostileValue.Text(OtherProvince, "mã cũ (2008) của tỉnh khác", otherOldCode),
    ];

    /// <summary>Values for a path that names a file: raw traversal (sent unnormalised), encoded traversal, files of the
    /// store the server must never serve.</summary>
    public static IReadOnlyList<HostileValue> FilePaths(string storeDirectory) =>
    [
        new(Traversal, "../manifest.json", "../manifest.json"),
        new(Traversal, "..%2Fmanifest.json", "..%2Fmanifest.json"),
        new(Traversal, "../../run/engine.json", "../../run/engine.json"),
        new(Traversal, "../../../../../../etc/passwd", "../../../../../../etc/passwd"),
        new(Traversal, "%2e%2e%2f x6 etc/passwd", string.Concat(Enumerable.Repeat("%2e%2e%2f", 6)) + "etc%2fpasswd"),
        new(Traversal, "..%252f x6 (hai lần)", string.Concat(Enumerable.Repeat("..%252f", 6)) + "etc%252fpasswd"),
        new(Traversal, "....// x6", string.Concat(Enumerable.Repeat("....//", 6)) + "etc/passwd"),
        new(Traversal, "..\\ x6", string.Concat(Enumerable.Repeat("..%5c", 6)) + "etc%5cpasswd"),
        new(Traversal, "%2Fetc%2Fpasswd", "%2Fetc%2Fpasswd"),
        new(Traversal, "manifest.json", "manifest.json"),
        new(Traversal, ".locks", ".locks"),
        new(Traversal, "tên có NUL", "manifest.json%00.pdf"),
        new(Traversal, "đường dẫn tuyệt đối của kho", Uri.EscapeDataString(Path.Combine(storeDirectory, "run", "engine.json"))),
        new(Traversal, "khoá Data Protection", "..%2F..%2F..%2F..%2F..%2F..%2Froot%2F.aspnet%2FDataProtection-Keys"),
        new(Traversal, "/proc/self/environ", "..%2F..%2F..%2F..%2F..%2F..%2Fproc%2Fself%2Fenviron"),
    ];

    /// <summary>The value as a query string or form body: name=value, repeated when asked.</summary>
    public static string Pair(string name, HostileValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var pair = Uri.EscapeDataString(name) + "=" + value.Encoded;
        return value.Repeat == 1 ? pair : string.Join('&', Enumerable.Repeat(pair, value.Repeat));
    }

    /// <summary>A short, printable description of a value for the report.</summary>
    public static string Describe(HostileValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return $"{value.Category}: {value.Label}";
    }
}

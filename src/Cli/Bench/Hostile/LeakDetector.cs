using System.Text.RegularExpressions;

namespace ReformMetrics.Cli.Bench.Hostile;

/// <summary>
/// What counts as a leak in an answer, concretely:
/// <list type="bullet">
/// <item>a .NET stack trace or exception type (<c>   at Namespace.Type.Method(</c>, <c>--- End of stack trace</c>, <c>.cs:line N</c>,
/// <c>System.SomethingException</c>);</item>
/// <item>ClickHouse's exception text (<c>DB::Exception</c>, <c>Code: N. DB::</c>, the driver's exception type), except on the
/// SQL page, where an analyst's own malformed query is meant to be answered with ClickHouse's message;</item>
/// <item>the contents of a host file: <c>root:x:0:0</c> (/etc/passwd), a Data Protection key ring (<c>&lt;masterKey</c>,
/// <c>&lt;encryptedSecret</c>), a private key, the engine's state (<c>"HttpPort":</c>), the process environment;</item>
/// <item>the injected script marker unencoded in an HTML answer (it would run in the user's browser).</item>
/// </list>
/// A province user receiving another province's data is checked apart (<see cref="Campaign.ProvinceGuard"/>).
/// </summary>
internal static partial class LeakDetector
{
    public const string StackTrace = "dấu vết ngăn xếp .NET";
    public const string ClickHouseText = "lỗi ClickHouse";
    public const string HostFile = "nội dung tệp của máy chủ";
    public const string Script = "mã HTML chưa mã hoá";

    /// <summary>The kinds of leak found in an answer (empty when none).</summary>
    public static IReadOnlyList<string> Find(string body, string? contentType, bool clickHouseMessagesExpected = false)
    {
        ArgumentNullException.ThrowIfNull(body);
        var found = new List<string>();
        if (StackFrame().IsMatch(body) || body.Contains("--- End of stack trace", StringComparison.Ordinal) || SourceLine().IsMatch(body)
            || ExceptionType().IsMatch(body))
        {
            found.Add(StackTrace);
        }

        if (!clickHouseMessagesExpected && (body.Contains("DB::Exception", StringComparison.Ordinal) || ClickHouseCode().IsMatch(body)
            || body.Contains("ClickHouseServerException", StringComparison.Ordinal)))
        {
            found.Add(ClickHouseText);
        }

        if (body.Contains("root:x:0:0", StringComparison.Ordinal) || body.Contains("<masterKey", StringComparison.Ordinal)
            || body.Contains("<encryptedSecret", StringComparison.Ordinal) || body.Contains("PRIVATE KEY-----", StringComparison.Ordinal)
            || body.Contains("\"HttpPort\":", StringComparison.Ordinal) || Environment().IsMatch(body))
        {
            found.Add(HostFile);
        }

        if (contentType is "text/html" && body.Contains(HostileValues.ScriptMarker, StringComparison.Ordinal))
        {
            found.Add(Script);
        }

        return found;
    }

    [GeneratedRegex(@"^\s+at [\w.`<>\[\]]+\.[\w`<>|]+\(", RegexOptions.Multiline)]
    private static partial Regex StackFrame();

    [GeneratedRegex(@"\.cs:line \d+")]
    private static partial Regex SourceLine();

    [GeneratedRegex(@"\bSystem\.(?:[A-Z]\w+\.)*[A-Z]\w*Exception\b")]
    private static partial Regex ExceptionType();

    [GeneratedRegex(@"\bCode: \d+\. DB::")]
    private static partial Regex ClickHouseCode();

    // /proc/self/environ: NUL-separated NAME=value pairs of the server's own environment.
    [GeneratedRegex(@"(?:PATH|HOME|DOTNET_\w+)=[^\x00]*\x00")]
    private static partial Regex Environment();
}

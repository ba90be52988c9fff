using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace ReformMetrics.Cli.Bench.Hostile;

/// <summary>An answer read off the socket: status (0 when none came), body, content type and redirect target.</summary>
internal sealed record RawAnswer(int Status, string Body, string? ContentType, string? Location, double Milliseconds, TimeSpan? RetryAfter = null);

/// <summary>
/// A request written byte for byte on a socket: HttpClient normalises a path (it resolves <c>../</c> and re-encodes), which
/// would hide exactly what a traversal attempt sends. HTTP/1.1 with <c>Connection: close</c>; the answer is read to the end.
/// </summary>
internal static class RawHttp
{
    public static async Task<RawAnswer> SendAsync(
        Uri server, string method, string rawTarget, IReadOnlyDictionary<string, string> headers, byte[]? body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(headers);
        var watch = Stopwatch.StartNew();
        using var client = new TcpClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            await client.ConnectAsync(server.Host, server.Port, timeout.Token);
            await using var stream = client.GetStream();
            var request = new StringBuilder().Append(method).Append(' ').Append(rawTarget).Append(" HTTP/1.1\r\n")
                .Append("Host: ").Append(server.Authority).Append("\r\nConnection: close\r\n");
            foreach (var (name, value) in headers)
            {
                request.Append(name).Append(": ").Append(value).Append("\r\n");
            }

            if (body is not null && !headers.ContainsKey("Content-Length") && !headers.ContainsKey("Transfer-Encoding"))
            {
                request.Append("Content-Length: ").Append(body.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
            }

            try
            {
                await stream.WriteAsync(Encoding.UTF8.GetBytes(request.Append("\r\n").ToString()), timeout.Token);
                await stream.WriteAsync(body ?? [], timeout.Token);
            }
            catch (IOException)
            {
                // The server may answer (414, 431, 413) and close before it read everything: its answer is still to be read.
            }

            using var buffer = new MemoryStream();
            try
            {
                await stream.CopyToAsync(buffer, timeout.Token);
            }
            catch (IOException) when (buffer.Length > 0)
            {
                // A reset after the answer: what came is the answer.
            }

            return Parse(buffer.ToArray(), watch.Elapsed.TotalMilliseconds);
        }
        catch (Exception ex) when (ex is SocketException or IOException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return new RawAnswer(0, string.Empty, null, null, watch.Elapsed.TotalMilliseconds);
        }
    }

    private static RawAnswer Parse(byte[] response, double milliseconds)
    {
        var headerEnd = response.AsSpan().IndexOf("\r\n\r\n"u8);
        var head = Encoding.ASCII.GetString(response, 0, headerEnd < 0 ? response.Length : headerEnd);
        var lines = head.Split("\r\n");
        var status = lines[0].Split(' ') is { Length: >= 2 } parts && int.TryParse(parts[1], CultureInfo.InvariantCulture, out var code) ? code : 0;
        string? Header(string name) => lines.Skip(1).FirstOrDefault(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))?[(name.Length + 1)..].Trim();
        var contentType = Header("Content-Type")?.Split(';')[0].Trim();
        var body = headerEnd < 0 ? [] : response.AsSpan(headerEnd + 4).ToArray();
        if (lines.Any(l => l.Equals("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase)))
        {
            body = Unchunk(body);
        }

        var retryAfter = int.TryParse(Header("Retry-After"), CultureInfo.InvariantCulture, out var seconds) ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
        return new RawAnswer(status, Encoding.UTF8.GetString(body), contentType, Header("Location"), milliseconds, retryAfter);
    }

    private static byte[] Unchunk(byte[] body)
    {
        using var result = new MemoryStream();
        var position = 0;
        while (position < body.Length)
        {
            var end = body.AsSpan(position).IndexOf("\r\n"u8);
            if (end < 0 || !int.TryParse(Encoding.ASCII.GetString(body, position, end).Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var size)
                || size == 0)
            {
                break;
            }

            var start = position + end + 2;
            result.Write(body, start, Math.Min(size, body.Length - start));
            position = start + size + 2;
        }

        return result.ToArray();
    }
}

using System.IO.Compression;
using ClickHouse.Driver;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReformMetrics.Ingest.Limits;
using ReformMetrics.Ingest.Reading;
using ReformMetrics.Store.Sources;

namespace ReformMetrics.Ingest.Intake;

/// <summary>
/// <c>POST /api/events</c>: a source system sends events as CSV (<c>text/csv</c>) or NDJSON
/// (<c>application/x-ndjson</c>), optionally gzipped, with its API key (<c>Authorization: Bearer &lt;key&gt;</c> or
/// <c>X-Api-Key</c>). The answer gives the accepted, duplicate and rejected counts and the rejected rows with
/// their reasons. Sending the same body again stores nothing twice. A source bound to provinces has each row checked
/// (<see cref="ProvinceGuard"/>); a key not bound yet is refused with 403. Bodies are bounded (<see cref="IntakeOptions"/>):
/// as sent, unpacked, and per line; past a limit the answer is 413 and nothing is stored.
/// </summary>
public static class EventIntakeApi
{
    public const long DefaultMaxBodyBytes = 64L * 1024 * 1024;
    private const int MaxRejectionsShown = 1000;

    public static IEndpointRouteBuilder MapEventIntake(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapPost("/api/events", (HttpRequest request, ApiSources sources, EventIngestor ingestor, IntakeGate gate, IOptions<IntakeOptions> options,
                SourceActivity activity, ILogger<SourceActivity> logger, CancellationToken cancellationToken) =>
                IntakeAsync(request, sources, ingestor, gate, options.Value, activity, logger, cancellationToken))
            .WithName("PostEvents")
            .WithSummary("Nạp sự kiện hồ sơ từ hệ thống nguồn")
            .DisableAntiforgery();
        return endpoints;
    }

    public sealed record IntakeResponse(long Rows, long Accepted, long Duplicates, long Rejected, bool AlreadyReceived, IReadOnlyList<RejectedRow> Rejections);

    public sealed record RejectedRow(long Row, string Field, string Reason, string Raw);

    private static async Task<Results<Ok<IntakeResponse>, ProblemHttpResult>> IntakeAsync(
        HttpRequest request, ApiSources sources, EventIngestor ingestor, IntakeGate gate, IntakeOptions limits, SourceActivity activity, ILogger logger,
        CancellationToken cancellationToken)
    {
        var key = request.Headers.Authorization.ToString() is { } auth && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? auth["Bearer ".Length..].Trim()
            : request.Headers["X-Api-Key"].ToString();
        SourceScope? source;
        try
        {
            source = string.IsNullOrEmpty(key) ? null : await sources.AuthenticateAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or ClickHouseServerException)
        {
            return StoreDown(request);
        }

        if (source is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Khoá API không hợp lệ",
                detail: "Gửi khoá của hệ thống nguồn trong tiêu đề Authorization: Bearer <khoá> (hoặc X-Api-Key).");
        }

        if (!source.Bound)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Khoá API chưa gắn với tỉnh",
                detail: $"Nguồn {source.Name} được thêm khi khoá chưa gắn với tỉnh nên không được gửi sự kiện. Quản trị viên chạy lại "
                    + $"\"reform sources add {source.Name} --province <mã tỉnh,...>\" (hoặc --all-provinces cho nguồn toàn quốc) và dùng khoá mới.");
        }

        var format = request.ContentType?.Split(';')[0].Trim().ToLowerInvariant() switch
        {
            "text/csv" => SourceFormat.Csv,
            "application/x-ndjson" or "application/ndjson" or "application/jsonl" or "application/jsonlines" => (SourceFormat?)SourceFormat.Ndjson,
            _ => null,
        };
        if (format is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Định dạng không hỗ trợ",
                detail: "Content-Type phải là text/csv hoặc application/x-ndjson.");
        }

        if (request.ContentLength > limits.MaxBodyBytes)
        {
            return TooLarge(limits.MaxBodyBytes);
        }

        // A place among the bodies held at once, taken before the body is read (a waiting request holds no memory).
        using var place = await gate.EnterAsync(cancellationToken).ConfigureAwait(false);
        if (place is null)
        {
            request.HttpContext.Response.Headers.RetryAfter = "10";
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Máy chủ đang bận nhận dữ liệu",
                detail: $"Đang có {limits.MaxConcurrentBodies} lần gửi được xử lý; lần gửi này chưa được đọc và chưa lưu gì. Hãy gửi lại sau.");
        }

        // This endpoint's limit, not the server's: a chunked body past it then fails the read with 413, answered below.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = limits.MaxBodyBytes;
        }

        byte[]? body;
        try
        {
            body = await ReadLimitedAsync(request.Body, limits.MaxBodyBytes, request.ContentLength, cancellationToken).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            body = null;
        }

        if (body is null)
        {
            return TooLarge(limits.MaxBodyBytes);
        }

        if (await UnpackedSizeAsync(body, limits.MaxUnpackedBodyBytes, cancellationToken).ConfigureAwait(false) is { } refusal)
        {
            return refusal;
        }

        try
        {
            var result = await ingestor.IngestBytesAsync("api:" + source.Name, body, format.Value, cancellationToken, source).ConfigureAwait(false);
            if (result.Failed)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Không đọc được dữ liệu gửi lên", detail: result.Failure);
            }

            if (result.Accepted > 0)
            {
                // Recorded even when the client has gone meanwhile: its events are stored.
                await RecordActivityAsync(activity, source.Name, result.Accepted, logger).ConfigureAwait(false);
            }

            var rejections = result.Rejected == 0
                ? []
                : (await ingestor.RejectionsAsync(result.FileKey, MaxRejectionsShown, cancellationToken).ConfigureAwait(false))
                    .Select(r => new RejectedRow(r.Line, r.Field, r.Reason, r.Raw)).ToList();
            return TypedResults.Ok(new IntakeResponse(result.Rows, result.Accepted, result.Duplicates, result.Rejected, result.AlreadyLoaded, rejections));
        }
        catch (Exception ex) when (ex is HttpRequestException or ClickHouseServerException or IOException)
        {
            return StoreDown(request);
        }
    }

    /// <summary>Records that the source's events were accepted (what `reform sources list` and the administration page show).
    /// The events are stored by now: a failure here is logged, not answered with an error that would make the source send
    /// the body again; its next accepted request records it.</summary>
    private static async Task RecordActivityAsync(SourceActivity activity, string source, long accepted, ILogger logger)
    {
        try
        {
            await activity.RecordAcceptedAsync(source, accepted, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or ClickHouseServerException or IOException)
        {
            logger.LogWarning(ex, "Could not record the activity of source {Source} ({Accepted} events stored)", source, accepted);
        }
    }

    private static ProblemHttpResult StoreDown(HttpRequest request)
    {
        request.HttpContext.Response.Headers.RetryAfter = "30";
        return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Kho dữ liệu tạm thời không hoạt động",
            detail: "Chưa lưu được sự kiện nào của lần gửi này; hãy gửi lại sau.");
    }

    private static ProblemHttpResult TooLarge(long maxBodyBytes) =>
        TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Dữ liệu gửi lên quá lớn",
            detail: $"Tối đa {maxBodyBytes / 1048576} MB mỗi lần gửi; hãy chia nhỏ hoặc đặt tệp vào thư mục inbox.");

    /// <summary>Unpacks a gzip body once, counting, before anything is stored: a gzip bomb is refused whole (413), and so is
    /// a damaged gzip body (400). Null when the body may be loaded.</summary>
    private static async Task<ProblemHttpResult?> UnpackedSizeAsync(byte[] body, long limit, CancellationToken cancellationToken)
    {
        if (body.Length < 2 || body[0] != 0x1F || body[1] != 0x8B)
        {
            return null;
        }

        try
        {
            await using var unpacked = new GZipStream(new MemoryStream(body, writable: false), CompressionMode.Decompress);
            var chunk = new byte[81920];
            long total = 0;
            int read;
            while ((read = await unpacked.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += read;
                if (total > limit)
                {
                    return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Dữ liệu gửi lên quá lớn khi giải nén",
                        detail: string.Format(RawBudget.Vietnamese,
                            "Nội dung gzip giải nén vượt {0:N0} byte (Intake:MaxUnpackedBodyBytes): có thể là một \"bom gzip\". Không sự kiện nào được lưu; hãy chia nhỏ dữ liệu.",
                            limit));
                }
            }
        }
        catch (InvalidDataException ex)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Không đọc được dữ liệu gửi lên",
                detail: $"Nội dung gzip bị hỏng ({ex.Message}). Không sự kiện nào được lưu.");
        }

        return null;
    }

    private static async Task<byte[]?> ReadLimitedAsync(Stream body, long limit, long? length, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream(length is > 0 ? (int)Math.Min(length.Value, limit) : 0);
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            await buffer.WriteAsync(chunk.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
        }

        return buffer.ToArray();
    }
}

using ClickHouse.Driver;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using ReformMetrics.Ingest.Reading;

namespace ReformMetrics.Ingest.Intake;

/// <summary>
/// <c>POST /api/events</c>: a source system sends events as CSV (<c>text/csv</c>) or NDJSON
/// (<c>application/x-ndjson</c>), optionally gzipped, with its API key (<c>Authorization: Bearer &lt;key&gt;</c> or
/// <c>X-Api-Key</c>). The answer gives the accepted, duplicate and rejected counts and the rejected rows with
/// their reasons. Sending the same body again stores nothing twice.
/// </summary>
public static class EventIntakeApi
{
    public const long DefaultMaxBodyBytes = 64L * 1024 * 1024;
    private const int MaxRejectionsShown = 1000;

    public static IEndpointRouteBuilder MapEventIntake(this IEndpointRouteBuilder endpoints, long maxBodyBytes = DefaultMaxBodyBytes)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapPost("/api/events", (HttpRequest request, ApiSources sources, EventIngestor ingestor, CancellationToken cancellationToken) =>
                IntakeAsync(request, sources, ingestor, maxBodyBytes, cancellationToken))
            .WithName("PostEvents")
            .WithSummary("Nạp sự kiện hồ sơ từ hệ thống nguồn")
            .DisableAntiforgery();
        return endpoints;
    }

    public sealed record IntakeResponse(long Rows, long Accepted, long Duplicates, long Rejected, bool AlreadyReceived, IReadOnlyList<RejectedRow> Rejections);

    public sealed record RejectedRow(long Row, string Field, string Reason, string Raw);

    private static async Task<Results<Ok<IntakeResponse>, ProblemHttpResult>> IntakeAsync(
        HttpRequest request, ApiSources sources, EventIngestor ingestor, long maxBodyBytes, CancellationToken cancellationToken)
    {
        var key = request.Headers.Authorization.ToString() is { } auth && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? auth["Bearer ".Length..].Trim()
            : request.Headers["X-Api-Key"].ToString();
        string? source;
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

        if (request.ContentLength > maxBodyBytes)
        {
            return TooLarge(maxBodyBytes);
        }

        var body = await ReadLimitedAsync(request.Body, maxBodyBytes, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            return TooLarge(maxBodyBytes);
        }

        try
        {
            var result = await ingestor.IngestBytesAsync("api:" + source, body, format.Value, cancellationToken).ConfigureAwait(false);
            if (result.Failed)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Không đọc được dữ liệu gửi lên", detail: result.Failure);
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

    private static ProblemHttpResult StoreDown(HttpRequest request)
    {
        request.HttpContext.Response.Headers.RetryAfter = "30";
        return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Kho dữ liệu tạm thời không hoạt động",
            detail: "Chưa lưu được sự kiện nào của lần gửi này; hãy gửi lại sau.");
    }

    private static ProblemHttpResult TooLarge(long maxBodyBytes) =>
        TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Dữ liệu gửi lên quá lớn",
            detail: $"Tối đa {maxBodyBytes / 1048576} MB mỗi lần gửi; hãy chia nhỏ hoặc đặt tệp vào thư mục inbox.");

    private static async Task<byte[]?> ReadLimitedAsync(Stream body, long limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
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

using System.Net.Sockets;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ReformMetrics.Dashboard.Access;
using ReformMetrics.Metrics.Query;
using ReformMetrics.Store;

namespace ReformMetrics.Dashboard;

/// <summary>
/// What users see when something fails: a store that does not answer gives 503 (a problem detail for the API, a
/// Vietnamese page for the dashboard) and the next request tries again, so the service recovers by itself when the store
/// is back; a query ClickHouse cut for exceeding the request's budget gives 503 (time, memory) or 422 (rows) with the
/// limit named; an invalid filter gives 400 naming it, a forbidden one 403; anything else 500 without internals.
/// </summary>
public sealed partial class StoreErrors(ILogger<StoreErrors> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var limit = QueryBudget.Exceeded(exception);
        var (status, title, detail) = exception switch
        {
            SelectionException e => (StatusCodes.Status400BadRequest, "Tham số không hợp lệ", e.Message),
            AccessDeniedException e => (StatusCodes.Status403Forbidden, "Không có quyền", e.Message),
            _ when limit is { } l => OverBudget(l),
            _ when IsStoreDown(exception) => (StatusCodes.Status503ServiceUnavailable, "Kho dữ liệu tạm thời không trả lời",
                "Kho dữ liệu ClickHouse chưa trả lời. Hệ thống sẽ tự kết nối lại; vui lòng thử lại sau ít phút."),
            _ => (StatusCodes.Status500InternalServerError, "Lỗi hệ thống", "Đã có lỗi khi xử lý yêu cầu; lỗi đã được ghi lại để kiểm tra."),
        };
        if (limit is not null)
        {
            LogOverBudget(logger, httpContext.Request.Path, exception.Message);
        }
        else if (status >= 500)
        {
            LogFailure(logger, status, httpContext.Request.Path, exception);
        }

        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            httpContext.Response.Headers.RetryAfter = "30";
        }

        var extensions = limit is { } exceeded ? new Dictionary<string, object?> { ["limit"] = exceeded.ToString().ToLowerInvariant() } : null;
        await WriteAsync(httpContext, status, title, detail, cancellationToken, extensions).ConfigureAwait(false);
        return true;
    }

    /// <summary>A query that ClickHouse cut for going over the request's budget. Time and memory give 503: the same valid
    /// question may fit when the server is less loaded, so a later retry is fair. Too many rows gives 422: that answer
    /// is as large whenever it is asked, and only a narrower question gets one.</summary>
    private static (int Status, string Title, string Detail) OverBudget(QueryLimit limit) => limit switch
    {
        QueryLimit.Rows => (StatusCodes.Status422UnprocessableEntity, "Kết quả quá lớn",
            "Kết quả vượt số dòng tối đa một truy vấn được trả về. Vui lòng thu hẹp bộ lọc (kỳ ngắn hơn, ít tỉnh, lĩnh vực hoặc cơ quan hơn)."),
        QueryLimit.Memory => (StatusCodes.Status503ServiceUnavailable, "Truy vấn vượt giới hạn bộ nhớ",
            "Truy vấn cần nhiều bộ nhớ hơn mức cho phép nên đã bị dừng. Vui lòng thu hẹp bộ lọc hoặc thử lại sau."),
        _ => (StatusCodes.Status503ServiceUnavailable, "Truy vấn vượt giới hạn thời gian",
            "Truy vấn chạy quá thời gian cho phép nên đã bị dừng. Vui lòng thu hẹp bộ lọc hoặc thử lại sau."),
    };

    /// <summary>An answer with a status: a problem detail for the API, a Vietnamese page for the dashboard.</summary>
    internal static async Task WriteAsync(
        HttpContext httpContext, int status, string title, string detail, CancellationToken cancellationToken, IDictionary<string, object?>? extensions = null)
    {
        httpContext.Response.StatusCode = status;
        if (httpContext.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal))
        {
            await Results.Problem(title: title, detail: detail, statusCode: status, extensions: extensions).ExecuteAsync(httpContext).ConfigureAwait(false);
        }
        else
        {
            httpContext.Response.ContentType = "text/html; charset=utf-8";
            await httpContext.Response.WriteAsync(ErrorPage(title, detail), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The store did not answer: no connection, a broken one, or a timeout.</summary>
    public static bool IsStoreDown(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is HttpRequestException or SocketException or TimeoutException || (e is TaskCanceledException t && t.InnerException is TimeoutException))
            {
                return true;
            }
        }

        return false;
    }

    private static string ErrorPage(string title, string detail)
    {
        var encoder = Encoder;
        return $"""
            <!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{encoder.Encode(title)} · ReformMetrics</title><link rel="stylesheet" href="/static/site.css"><link rel="icon" href="/static/favicon.svg" type="image/svg+xml"></head>
            <body><main class="error"><h1>{encoder.Encode(title)}</h1><p>{encoder.Encode(detail)}</p><p><a href="/">Về trang chủ</a></p></main></body></html>
            """;
    }

    private static readonly System.Text.Encodings.Web.HtmlEncoder Encoder = System.Text.Encodings.Web.HtmlEncoder.Create(System.Text.Unicode.UnicodeRanges.All);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Query over the request's budget at {Path}: {Error}")]
    private static partial void LogOverBudget(ILogger logger, PathString path, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Request failed with {Status} at {Path}")]
    private static partial void LogFailure(ILogger logger, int status, PathString path, Exception exception);
}

using System.Net.Http;
using System.Net.Sockets;
using ClickHouse.Driver;
using ReformMetrics.Store;
using ReformMetrics.Store.Embedded;

namespace ReformMetrics.Cli.Verbs;

/// <summary>
/// Why a load stopped, told to the operator in one Vietnamese message: what failed, during which file, and what to do
/// (issue 20: a load that failed exited 1 with no message worth the name). The exit code is 1 (<see cref="ReformCommand"/>).
/// </summary>
internal static class LoadFailure
{
    /// <summary>Why running the same command again is safe: the exactly-once guarantee in the operator's words.</summary>
    public const string RunAgain =
        "chạy lại đúng lệnh này: các tệp đã nạp xong sẽ được bỏ qua, tệp đang nạp dở sẽ nạp tiếp từ lô chưa ghi, không sự kiện nào bị ghi hai lần";

    private const int NotEnoughSpaceErrorCode = 243;

    /// <summary>The message for <paramref name="failure"/>, which happened <paramref name="during"/> ("trong khi nạp …"), ending
    /// with what to do next: <paramref name="then"/> (a clause, lower case), by default <see cref="RunAgain"/>.</summary>
    public static async Task<LoadFailedException> DescribeAsync(
        Exception failure, ClickHouseStore store, string during, CancellationToken cancellationToken, string then = RunAgain)
    {
        ArgumentNullException.ThrowIfNull(failure);
        ArgumentNullException.ThrowIfNull(store);
        if (failure is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            return new($"Đã huỷ {during}. Khi cần, {then}.", failure);
        }

        if (store.Engine is { } engine && (failure is EngineStoppedException || IsConnectionFailure(failure)))
        {
            // An engine that is stopping closes its port a moment before its process ends: give it that moment.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
            while (!engine.HasStopped && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, CancellationToken.None).ConfigureAwait(false);
            }

            return engine.HasStopped
                ? new($"{EngineStoppedException.Describe(engine, during)} {char.ToUpperInvariant(then[0])}{then[1..]}.", failure)
                : new($"Bộ máy ClickHouse nhúng (pid {engine.State.Pid}, cổng {engine.State.HttpPort}) vẫn chạy nhưng không trả lời {during}: {Detail(failure)}. "
                    + $"Xem nhật ký của nó ({engine.Layout.LogFile}), rồi {then}.", failure);
        }

        return failure switch
        {
            _ when IsConnectionFailure(failure) =>
                new($"Mất kết nối tới máy chủ ClickHouse {during}: {Detail(failure)}. Kiểm tra máy chủ, rồi {then}.", failure),
            ClickHouseServerException { ErrorCode: NotEnoughSpaceErrorCode } =>
                new($"Đĩa của kho dữ liệu ClickHouse đã đầy {during}: chưa lưu được gì thêm. Giải phóng chỗ trống, rồi {then}. ({Detail(failure)})", failure),
            ClickHouseServerException =>
                new($"ClickHouse báo lỗi {during}: {Detail(failure)}. Nếu lỗi lặp lại, thêm -v để xem chi tiết; khi đã sửa, {then}.", failure),
            EngineUnavailableException =>
                new($"{failure.Message.TrimEnd('.')} ({during}). Khi đã sửa, {then}.", failure),
            IOException or UnauthorizedAccessException =>
                new($"Không đọc hoặc ghi được tệp {during}: {Detail(failure)}. Kiểm tra tệp, quyền và chỗ trống trên đĩa, rồi {then}.", failure),
            _ => new($"Nạp dữ liệu thất bại {during} vì một lỗi không lường trước ({failure.GetType().Name}: {Detail(failure)}). "
                + $"Thêm -v để xem chi tiết; {then}.", failure),
        };
    }

    /// <summary>The request never got an answer: refused, reset, cut off, timed out.</summary>
    public static bool IsConnectionFailure(Exception failure) => failure switch
    {
        HttpRequestException or HttpIOException or SocketException => true,
        TaskCanceledException { InnerException: TimeoutException } => true,
        IOException { InnerException: SocketException or HttpIOException } => true,
        _ => failure.InnerException is { } inner && inner != failure && IsConnectionFailure(inner) && failure is not ClickHouseServerException,
    };

    /// <summary>The first line of the message (ClickHouse's carry a stack after it).</summary>
    private static string Detail(Exception failure) => failure.Message.Split('\n')[0].Trim().TrimEnd('.');
}

/// <summary>A load that failed, with the message to show as it is; exit code 1.</summary>
internal sealed class LoadFailedException(string message, Exception innerException) : Exception(message, innerException);

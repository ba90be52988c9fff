using System.Globalization;

namespace ReformMetrics.Store.Cluster;

/// <summary>ClickHouse's unauthenticated <c>/ping</c> (answers "Ok." once the HTTP interface listens).</summary>
internal static class ClusterProbe
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    public static async Task<bool> PingAsync(int port, CancellationToken cancellationToken)
    {
        // Connection: close, as for every control request: an idle keep-alive connection delays an engine's clean stop.
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/ping")));
        request.Headers.ConnectionClose = true;
        try
        {
            using var response = await Http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode && (await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)).Trim() == "Ok.";
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}

using Microsoft.AspNetCore.Http;
using ReformMetrics.Metrics.Query;

namespace ReformMetrics.Dashboard.Api;

/// <summary>Binds a selection from a query string with the words of <see cref="SelectionWords"/>, as the CLI does from
/// its options: every endpoint and page reads its filters through here.</summary>
public static class SelectionQuery
{
    public static SelectionParser.Input SelectionInput(this HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SelectionParser.Input.Read(word => request.Query[word].Where(v => v is not null).Select(v => v!).ToList());
    }
}

using System.Globalization;
using ClickHouse.Driver;

namespace ReformMetrics.Store;

/// <summary>Which limit of a <see cref="QueryBudget"/> ClickHouse enforced.</summary>
public enum QueryLimit
{
    Time,
    Memory,
    Rows,
}

/// <summary>
/// Limits that ClickHouse itself enforces on every query run while the budget is entered: time
/// (<c>max_execution_time</c>), memory (<c>max_memory_usage</c>) and result rows (<c>max_result_rows</c>), each
/// throwing rather than returning a partial answer. The dashboard enters one for each request, and
/// <see cref="ClickHouseStore"/> applies it to every connection and client it hands out meanwhile.
/// </summary>
/// <remarks>
/// A scope (an <see cref="AsyncLocal{T}"/>) rather than a parameter: the queries a request causes are issued by a dozen
/// classes of Metrics, Reports and the dashboard, which the CLI, the inbox, the refresh and the report scheduler also use
/// without a budget. Passing a budget through all of them would change every signature for a decision that belongs to
/// the request boundary alone. Work a request starts (a shared computation of the answer cache) keeps the request's
/// budget, because the scope flows with the execution context.
/// </remarks>
public sealed record QueryBudget(TimeSpan MaxExecutionTime, long MaxMemoryBytes, long MaxResultRows)
{
    private static readonly AsyncLocal<QueryBudget?> Entered = new();

    /// <summary>The budget of the current request, or null outside one.</summary>
    public static QueryBudget? Current => Entered.Value;

    /// <summary>Applies this budget to the queries of the current flow until the scope is disposed.</summary>
    public Scope Enter()
    {
        var outer = Entered.Value;
        Entered.Value = this;
        return new Scope(outer);
    }

    /// <summary>The ClickHouse settings that enforce the budget (as text: the driver writes them into the URL).</summary>
    public IReadOnlyDictionary<string, object> Settings() => new Dictionary<string, object>(StringComparer.Ordinal)
    {
        ["max_execution_time"] = MaxExecutionTime.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture),
        ["timeout_overflow_mode"] = "throw",
        ["max_memory_usage"] = MaxMemoryBytes.ToString(CultureInfo.InvariantCulture),
        ["max_result_rows"] = MaxResultRows.ToString(CultureInfo.InvariantCulture),
        ["result_overflow_mode"] = "throw",
    };

    /// <summary>The limit a ClickHouse error (anywhere in the chain) reports as exceeded, or null for any other failure.</summary>
    public static QueryLimit? Exceeded(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is ClickHouseServerException server)
            {
                // ClickHouse's error codes: TOO_MANY_ROWS 158, TIMEOUT_EXCEEDED 159, TOO_SLOW 160 (estimated to exceed the
                // time limit), MEMORY_LIMIT_EXCEEDED 241, TOO_MANY_ROWS_OR_BYTES 396.
                return server.ErrorCode switch
                {
                    159 or 160 => QueryLimit.Time,
                    241 => QueryLimit.Memory,
                    158 or 396 => QueryLimit.Rows,
                    _ => null,
                };
            }
        }

        return null;
    }

    /// <summary>Restores the budget in force before <see cref="Enter"/>.</summary>
    public readonly struct Scope(QueryBudget? outer) : IDisposable
    {
        public void Dispose() => Entered.Value = outer;
    }
}

using System.Globalization;
using System.Runtime.CompilerServices;
using Dapper;
using ReformMetrics.Metrics.Periods;
using ReformMetrics.Store;

namespace ReformMetrics.Dashboard.Overdue;

/// <summary>Which overdue dossiers: those overdue now (in progress, past their deadline, not waiting for the applicant), or
/// those resolved late within the period.</summary>
public enum OverdueKind
{
    Now,
    ResolvedLate,
}

/// <summary>The filters of the overdue list; provinces are already limited to what the user may see.</summary>
public sealed record OverdueFilter(
    OverdueKind Kind, Period Period, int Geo, IReadOnlyList<string> Provinces, IReadOnlyList<string> Sectors, IReadOnlyList<string> Levels,
    IReadOnlyList<string> Channels, string Sort = OverdueQuery.SortOverdue, bool Ascending = false, int Page = 1, IReadOnlyList<string>? Agencies = null)
{
    public const int PageSize = 50;
}

public sealed record OverdueDossier(
    string DossierId, string Province, string Agency, string Sector, string Procedure, string Channel, string ReceivedAt, string DueAt,
    string ResolvedAt, int WorkingDaysOverdue, bool Apologized);

/// <summary>
/// The overdue dossiers of the dossier state (<c>v_dossiers</c>), filtered, sorted on a whitelisted column and paged, in
/// one parameterised query; the CSV export streams the same rows without paging.
/// </summary>
public sealed class OverdueQuery(ClickHouseStore store)
{
    public const string SortOverdue = "ngay-qua-han";
    public const string SortReceived = "tiep-nhan";
    public const string SortDue = "han";
    public const string SortDossier = "ho-so";

    /// <summary>The sort keys users may ask for, and the columns they mean.</summary>
    public static readonly IReadOnlyDictionary<string, string> Sorts = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [SortOverdue] = "WorkingDaysOverdue", [SortReceived] = "received_at", [SortDue] = "effective_due_at", [SortDossier] = "dossier_id",
    };

    public async Task<(long Total, IReadOnlyList<OverdueDossier> Rows)> PageAsync(OverdueFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var (where, parameters) = Where(filter);
        await using var connection = store.CreateConnection();
        var total = await connection.ExecuteScalarAsync<ulong>(new CommandDefinition(
            $"SELECT count() FROM v_dossiers WHERE {where}", parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
        parameters.Add("offset", (ulong)((Math.Max(filter.Page, 1) - 1) * OverdueFilter.PageSize));
        parameters.Add("limit", (ulong)OverdueFilter.PageSize);
        var rows = await connection.QueryAsync<OverdueDossier>(new CommandDefinition(
            $"{Select(filter, where)} LIMIT @limit OFFSET @offset", parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return ((long)total, rows.ToList());
    }

    public async IAsyncEnumerable<OverdueDossier> AllAsync(OverdueFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var (where, parameters) = Where(filter);
        await using var connection = store.CreateConnection();
        var rows = await connection.QueryAsync<OverdueDossier>(new CommandDefinition(Select(filter, where), parameters, cancellationToken: cancellationToken, flags: CommandFlags.None)).ConfigureAwait(false);
        foreach (var row in rows)
        {
            yield return row;
        }
    }

    private static string Select(OverdueFilter filter, string where)
    {
        var province = filter.Geo == 2008 ? "province_2008_name" : "province_2025_name";
        var days = filter.Kind == OverdueKind.Now ? "overdue_wd_now" : "overdue_wd";
        var column = Sorts.GetValueOrDefault(filter.Sort, "WorkingDaysOverdue");
        return $"""
            SELECT dossier_id AS DossierId, {province} AS Province,
                   if(agency_name = '', agency_code, agency_name) AS Agency, sector_name AS Sector, procedure_name AS Procedure, toString(channel) AS Channel,
                   formatDateTime(received_at, '%d/%m/%Y %H:%i') AS ReceivedAt, ifNull(formatDateTime(effective_due_at, '%d/%m/%Y %H:%i'), '') AS DueAt,
                   if(outcome IS NULL, '', formatDateTime(ended_at, '%d/%m/%Y %H:%i')) AS ResolvedAt, toInt32(ifNull({days}, 0)) AS WorkingDaysOverdue,
                   toBool(apologized) AS Apologized
            FROM v_dossiers
            LEFT JOIN (SELECT toString(code) AS code, argMax(name_vi, loaded_at) AS agency_name FROM agencies GROUP BY code) AS a ON a.code = v_dossiers.agency_code
            WHERE {where}
            ORDER BY {column} {(filter.Ascending ? "ASC" : "DESC")}, dossier_id
            """;
    }

    private static (string Where, DynamicParameters Parameters) Where(OverdueFilter filter)
    {
        var parameters = new DynamicParameters();
        var clauses = new List<string>();
        if (filter.Kind == OverdueKind.Now)
        {
            clauses.Add("overdue_now");
        }
        else
        {
            // Days of Vietnam: toDate reads the column in its own time zone.
            clauses.Add("resolution_class = 'overdue' AND toDate(ended_at) BETWEEN toDate(@from) AND toDate(@to)");
            parameters.Add("from", filter.Period.Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            parameters.Add("to", filter.Period.End.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }

        void In(string column, string name, IReadOnlyList<string> values)
        {
            if (values.Count > 0)
            {
                clauses.Add($"{column} IN @{name}");
                parameters.Add(name, values.ToArray());
            }
        }

        In(filter.Geo == 2008 ? "province_2008" : "province_2025", "provinces", filter.Provinces);
        In("sector_code", "sectors", filter.Sectors);
        In("toString(level)", "levels", filter.Levels);
        In("toString(channel)", "channels", filter.Channels);
        In("agency_code", "agencies", filter.Agencies ?? []);
        return (string.Join(" AND ", clauses), parameters);
    }
}

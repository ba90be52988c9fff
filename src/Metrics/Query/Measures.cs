using ReformMetrics.Metrics.Catalogue;

namespace ReformMetrics.Metrics.Query;

/// <summary>
/// The dialects a dossier base measure of <see cref="BaseMeasures"/> is computed in, generated from its declaration:
/// over the pre-aggregates (kpi_daily or kpi_monthly, time column <c>t</c>) relative to a bucket [bs, be], and over the
/// rows of the analysts' views (one row per group and day or month, window <c>w</c> running over a group's rows in time
/// order). The third, over the dossier state, is the declaration's own <see cref="DossierMeasure.OverState"/>.
/// </summary>
internal static class Measures
{
    /// <summary>The measure over the pre-aggregates: flows count the bucket's rows, stocks the running sum of their delta.</summary>
    public static string OverAggregates(DossierMeasure measure)
    {
        var when = measure.Timing switch
        {
            Timing.InPeriod => "t >= bs AND t <= be",
            Timing.AtEnd => "t <= be",
            _ => "t < bs",
        };
        if (measure.Channel is { } channel)
        {
            when += $" AND channel = '{channel}'";
        }

        return $"{(measure.Column.IsMap ? "sumMapIf" : "sumIf")}({measure.Column.Name}, {when})";
    }

    /// <summary>The measure on a row of the analysts' views, whose columns are already summed per group and day or month.</summary>
    public static string OverViewRow(DossierMeasure measure)
    {
        var column = measure.Column.Name;
        if (measure.Channel is not null && measure.Timing != Timing.InPeriod)
        {
            throw new InvalidOperationException($"{measure.Name}: a stock split by channel has no running sum per row group to read.");
        }

        return measure.Timing switch
        {
            Timing.InPeriod when measure.Channel is { } channel => $"if(channel = '{channel}', {column}, 0)",
            Timing.InPeriod => column,
            Timing.AtEnd => $"sum({column}) OVER w",
            _ => $"sum({column}) OVER w - {column}",
        };
    }

    /// <summary>The dossier state with the per-dossier columns the <see cref="DossierMeasure.OverState"/> expressions use.</summary>
    public static string StateSource(string table) => $"""
        (SELECT *, toDate(received_at) AS rd, toDate(ended_at) AS ed, ifNull(toString(channel), '') AS ch,
                coalesce(toDate(ended_at), toDate(paused_since)) AS ou,
                isNotNull(overdue_from) AND (isNull(ou) OR overdue_from < ou) AS owp
         FROM {table} WHERE status != 'incomplete')
        """;
}

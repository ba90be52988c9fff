namespace ReformMetrics.Store.Refresh;

/// <summary>
/// One measure column of the pre-aggregates: what <c>kpi_contributions</c> gives for a dossier on a day, and what
/// <c>kpi_daily</c> and <c>kpi_monthly</c> add up (sql/migrations/0011_incremental_refresh.sql). Stock columns are
/// deltas: their running sum up to a day is the stock at its end. Every column is signed: a refresh adds what a dossier
/// contributes now and subtracts what it contributed before.
/// </summary>
public sealed record PreAggregateColumn(string Name, string Type, string Meaning)
{
    /// <summary>Whether the column is a histogram (a Map), which adds up with sumMap rather than sum.</summary>
    public bool IsMap => Type.StartsWith("Map(", StringComparison.Ordinal);

    /// <summary>The column's type in kpi_daily and kpi_monthly, whose merges add rows of equal keys up.</summary>
    public string StoredType => $"SimpleAggregateFunction({(IsMap ? "sumMap" : "sum")}, {Type})";

    /// <summary>The aggregate that adds rows of this column up.</summary>
    public string Rollup => IsMap ? $"sumMap({Name})" : $"sum({Name})";
}

/// <summary>
/// The columns of the pre-aggregates, declared once. The migrations that create them cannot be generated (an applied
/// migration never changes), so a test compares this list with the migrated schema; the refresh's rollups and the
/// base measures of the metric catalogue (src/Metrics/Catalogue/BaseMeasures.cs) are generated from it.
/// </summary>
public static class PreAggregates
{
    public static readonly PreAggregateColumn Received = new("received", "Int64", "dossiers received");
    public static readonly PreAggregateColumn ReceivedEnabled = new("received_enabled", "Int64", "dossiers received of procedures offered fully online");
    public static readonly PreAggregateColumn WithFee = new("with_fee", "Int64", "dossiers received with a fee due");
    public static readonly PreAggregateColumn PaidOnline = new("paid_online", "Int64", "dossiers received with a fee due and paid online");
    public static readonly PreAggregateColumn ResolvedEarly = new("resolved_early", "Int64", "dossiers resolved on a day before the deadline's day");
    public static readonly PreAggregateColumn ResolvedOnTime = new("resolved_on_time", "Int64", "dossiers resolved on the deadline's day, not after its time");
    public static readonly PreAggregateColumn ResolvedOverdue = new("resolved_overdue", "Int64", "dossiers resolved after the deadline");
    public static readonly PreAggregateColumn ResolvedOverdue766 = new("resolved_overdue_766", "Int64",
        "dossiers resolved overdue by the 766 rule (after the deadline, or after more than one supplement request)");
    public static readonly PreAggregateColumn ResolvedOverdueApologized = new("resolved_overdue_apologized", "Int64",
        "dossiers resolved after the deadline with an apology letter");
    public static readonly PreAggregateColumn Withdrawn = new("withdrawn", "Int64", "dossiers withdrawn");
    public static readonly PreAggregateColumn Returned = new("returned", "Int64", "results returned");
    public static readonly PreAggregateColumn ReturnedPostal = new("returned_postal", "Int64", "results returned by post");
    public static readonly PreAggregateColumn RatedVerySatisfied = new("rated_very_satisfied", "Int64", "ratings 'very satisfied' (the latest rating of each dossier)");
    public static readonly PreAggregateColumn RatedSatisfied = new("rated_satisfied", "Int64", "ratings 'satisfied'");
    public static readonly PreAggregateColumn RatedDissatisfied = new("rated_dissatisfied", "Int64", "ratings 'dissatisfied'");
    public static readonly PreAggregateColumn ProcessingWdSum = new("processing_wd_sum", "Int64",
        "working days from receipt to resolution of the dossiers resolved, less the days waiting for the applicant, added up");
    public static readonly PreAggregateColumn ProcessingWdHist = new("processing_wd_hist", "Map(UInt16, Int64)",
        "the same working days as a histogram: working days → dossiers resolved");
    public static readonly PreAggregateColumn PendingDelta = new("pending_delta", "Int64", "change of the dossiers in progress: +1 on receipt, −1 at the end");
    public static readonly PreAggregateColumn PendingOverdueDelta = new("pending_overdue_delta", "Int64",
        "change of the dossiers in progress past their deadline (and not waiting for the applicant)");
    public static readonly PreAggregateColumn PendingOverdueApologizedDelta = new("pending_overdue_apologized_delta", "Int64",
        "the same change for dossiers with an apology letter");

    /// <summary>The measure columns, in the order of the tables.</summary>
    public static readonly IReadOnlyList<PreAggregateColumn> Measures =
    [
        Received, ReceivedEnabled, WithFee, PaidOnline, ResolvedEarly, ResolvedOnTime, ResolvedOverdue, ResolvedOverdue766,
        ResolvedOverdueApologized, Withdrawn, Returned, ReturnedPostal, RatedVerySatisfied, RatedSatisfied, RatedDissatisfied,
        ProcessingWdSum, ProcessingWdHist, PendingDelta, PendingOverdueDelta, PendingOverdueApologizedDelta,
    ];

    /// <summary>The key columns of kpi_daily (and kpi_daily_build), in table order.</summary>
    public static readonly IReadOnlyList<string> DailyKeys =
        ["cohort", "day", "province_2025", "province_2008", "level", "agency_code", "sector_code", "procedure_code", "channel"];

    /// <summary>The key columns of kpi_monthly (and kpi_monthly_build): the daily ones by month, without agency and procedure.</summary>
    public static readonly IReadOnlyList<string> MonthlyKeys = ["cohort", "month", "province_2025", "province_2008", "level", "sector_code", "channel"];

    /// <summary>The key columns of rollup_deltas after the run: the month and every dimension but the procedure.</summary>
    public static readonly IReadOnlyList<string> RollupDeltaKeys = ["month", "province_2025", "province_2008", "level", "agency_code", "sector_code", "channel"];

    /// <summary>The key columns of kpi_contributions: the refresh run (0 for dossier_state), the daily ones and the kind of
    /// contribution.</summary>
    public static readonly IReadOnlyList<string> ContributionKeys = ["run", .. DailyKeys, "kind"];

    /// <summary>The measure columns' names, comma-separated, for a column list.</summary>
    public static string MeasureNames => string.Join(", ", Measures.Select(c => c.Name));

    /// <summary>The measure columns added up, in table order.</summary>
    public static string Rollups => string.Join(", ", Measures.Select(c => c.Rollup));
}

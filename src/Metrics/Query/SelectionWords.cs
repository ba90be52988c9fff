namespace ReformMetrics.Metrics.Query;

/// <summary>
/// The words a selection is written with, the same everywhere: the query-string parameters of the API and the pages
/// (<c>?period=2025-Q3&amp;province=80</c>) and the options of the CLI (<c>--period 2025-Q3 --province 80</c>).
/// <see cref="SelectionParser.Input.Read"/> binds them; error messages name them.
/// </summary>
public static class SelectionWords
{
    public const string From = "from";
    public const string To = "to";
    public const string Period = "period";
    public const string Geo = "geo";
    public const string By = "by";
    public const string Province = "province";
    public const string Sector = "sector";
    public const string Level = "level";
    public const string Agency = "agency";
    public const string Procedure = "procedure";
    public const string Channel = "channel";
    public const string Source = "source";
    public const string Compare = "compare";
    public const string Metric = "metric";

    /// <summary>The words that take a list (repeated, or comma-separated).</summary>
    public static IReadOnlyList<string> Lists { get; } = [By, Province, Sector, Level, Agency, Procedure, Channel];
}

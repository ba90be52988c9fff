namespace ReformMetrics.Reports.OfficialForm;

/// <summary>
/// Whether a province is a centrally-run city ("Thành phố") or a province ("Tỉnh"), for the title of its reports: the
/// codes carry no such prefix. From 01/07/2025 six of the 34 are cities (provinces-sources.md); among the 63, Huế (46)
/// became one on 01/01/2025.
/// </summary>
public static class ProvinceKinds
{
    private static readonly HashSet<string> Cities2025 = new(["01", "31", "46", "48", "79", "92"], StringComparer.Ordinal);
    private static readonly HashSet<string> Cities2008 = new(["01", "31", "48", "79", "92"], StringComparer.Ordinal);
    private static readonly DateOnly HueBecameCity = new(2025, 1, 1);

    /// <summary>"Thành phố" or "Tỉnh" for <paramref name="code"/> in the geography <paramref name="geo"/>, as of <paramref name="day"/>.</summary>
    public static string Kind(string code, int geo, DateOnly day) =>
        geo == 2025 ? Cities2025.Contains(code) ? "Thành phố" : "Tỉnh"
        : Cities2008.Contains(code) || (code == "46" && day >= HueBecameCity) ? "Thành phố" : "Tỉnh";
}

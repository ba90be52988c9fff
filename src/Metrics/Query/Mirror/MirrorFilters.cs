namespace ReformMetrics.Metrics.Query.Mirror;

/// <summary>A selection's filters as the mirror's numbers (a code no row carries matches nothing), and which of a store of
/// rows by 2025 province a question reads: the month rows' grains and the feedback items alike.</summary>
internal sealed class MirrorFilters(MirrorNames names, Selection selection)
{
    public HashSet<int>? Provinces { get; } = Numbers(names, selection, Dimension.Province);

    public HashSet<int>? Levels { get; } = Numbers(names, selection, Dimension.Level);

    public HashSet<int>? Sectors { get; } = Numbers(names, selection, Dimension.Sector);

    public HashSet<int>? Agencies { get; } = Numbers(names, selection, Dimension.Agency);

    public HashSet<int>? Channels { get; } = Numbers(names, selection, Dimension.Channel);

    /// <summary>The 2025 provinces to read: those asked for, or in the 2008 geography those holding the rows of the 2008
    /// provinces asked for (<paramref name="within2008"/>); the rows kept of them are then the ones <see cref="Keeps2008"/>.</summary>
    public IEnumerable<(int Province, T Rows)> Holders<T>(Dictionary<int, T> byProvince, Dictionary<int, HashSet<int>> within2008)
    {
        var all = byProvince.Select(p => (p.Key, p.Value));
        if (Provinces is not { } provinces)
        {
            return all;
        }

        var within = selection.Geo == 2008 ? provinces.SelectMany(p => within2008.GetValueOrDefault(p) ?? []).ToHashSet() : provinces;
        return all.Where(h => within.Contains(h.Key));
    }

    /// <summary>Whether a row of the 2008 province <paramref name="province2008"/> is kept (the 2008 geography's filter).</summary>
    public bool Keeps2008(int province2008) => selection.Geo != 2008 || Provinces is null || Provinces.Contains(province2008);

    private static HashSet<int>? Numbers(MirrorNames names, Selection selection, Dimension dimension) => selection.Filter(dimension).Count == 0 ? null
        : selection.Filter(dimension).Select(c => names.TryNumber(c, out var n) ? n : -1).Where(n => n >= 0).ToHashSet();
}

namespace ReformMetrics.Cli.Bench.Campaign;

/// <summary>A source system's API key for <c>POST /api/events</c>, and the provinces it was bound to (empty when the
/// product's `sources add` has no --province option: any province is then accepted).</summary>
internal sealed record SourceKey(string Name, string Key, IReadOnlyList<string> Provinces)
{
    /// <summary>Adds a source through `reform sources add NAME`, bound to <paramref name="provinces"/> when
    /// `reform sources add --help` offers a --province option.</summary>
    public static async Task<SourceKey> CreateAsync(CampaignTarget target, string name, IReadOnlyList<string> provinces, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(provinces);
        var help = await target.RunAsync(["sources", "add", "--help"], cancellationToken);
        var bindable = (help.StandardOutput + help.StandardError).Contains("--province", StringComparison.Ordinal);
        List<string> add = ["sources", "add", name];
        if (bindable)
        {
            add.AddRange(["--province", string.Join(',', provinces)]);
        }

        var added = await target.RunAsync(add, cancellationToken);
        var key = added.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        if (added.ExitCode != 0 || string.IsNullOrEmpty(key))
        {
            throw new CampaignException($"reform {string.Join(' ', add)} thoát với mã {added.ExitCode} và không in khoá nào: {added.Tail()}");
        }

        return new SourceKey(name, key, bindable ? provinces : []);
    }
}

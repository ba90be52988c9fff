using Microsoft.Extensions.Options;
using ReformMetrics.Dashboard.Access;
using ReformMetrics.Reports.Scheduling;
using ReformMetrics.Store;

namespace ReformMetrics.Dashboard.ReportShelf;

/// <summary>The scheduled reports of the reports folder, as the user may see them: a province-bound user sees their
/// province's files only (not the national ones, nor the all-provinces workbook).</summary>
public sealed class ReportLibrary(IOptions<ReportScheduleOptions> options, IOptions<ClickHouseOptions> store)
{
    public string Directory => ReportManifest.DirectoryOf(options.Value, store.Value);

    public async Task<IReadOnlyList<ScheduledFile>> ListAsync(AccessScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var manifest = await ReportManifest.ReadAsync(Directory, cancellationToken).ConfigureAwait(false);
        return manifest.Files.Where(f => Allowed(scope, f)).OrderByDescending(f => f.Period, StringComparer.Ordinal).ThenBy(f => f.File, StringComparer.Ordinal).ToList();
    }

    /// <summary>The path of a listed file the user may read, or null (unknown, not theirs, or gone).</summary>
    public async Task<string?> PathOfAsync(AccessScope scope, string file, CancellationToken cancellationToken)
    {
        var listed = (await ListAsync(scope, cancellationToken).ConfigureAwait(false)).FirstOrDefault(f => f.File == file);
        var path = listed is null ? null : Path.Combine(Directory, listed.File);
        return path is not null && Path.GetDirectoryName(Path.GetFullPath(path)) == Directory && File.Exists(path) ? path : null;
    }

    private static bool Allowed(AccessScope scope, ScheduledFile file) =>
        scope.SeesAllProvinces || (file.Form != "provinces" && file.Province.Length > 0 && file.Province == scope.Province);
}

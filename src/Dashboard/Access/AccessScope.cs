using System.Security.Claims;
using ReformMetrics.Dashboard.Users;
using ReformMetrics.Metrics.Query;

namespace ReformMetrics.Dashboard.Access;

/// <summary>A request refused for what it asks to see (403), with the reason in Vietnamese.</summary>
public sealed class AccessDeniedException(string message) : Exception(message);

/// <summary>
/// What the signed-in user may see, applied on the server to every selection before it is answered: a province viewer
/// or report officer sees their province (a 2025 code) and, in the 2008 geography, the old provinces that became part
/// of it and its post-merger units (N + code). Asking for any other province is refused, never silently narrowed.
/// </summary>
public sealed record AccessScope(string User, Role Role, string? Province)
{
    public const string ProvinceClaim = "reform:province";

    public bool SeesAllProvinces => !Role.IsProvinceBound();

    public static AccessScope From(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var role = Roles.TryParse(principal.FindFirstValue(ClaimTypes.Role), out var r) ? r
            : throw new AccessDeniedException("Tài khoản không có vai trò hợp lệ.");
        var province = principal.FindFirstValue(ProvinceClaim);
        return new AccessScope(principal.Identity?.Name ?? string.Empty, role, string.IsNullOrEmpty(province) ? null : province);
    }

    public static IEnumerable<Claim> Claims(DashboardUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        yield return new Claim(ClaimTypes.Name, user.Name);
        yield return new Claim(ClaimTypes.Role, user.Role.Name());
        if (user.Province.Length > 0)
        {
            yield return new Claim(ProvinceClaim, user.Province);
        }
    }

    /// <summary>The province codes this user may see in a geography (null: all of them).</summary>
    public async Task<IReadOnlyList<string>?> AllowedAsync(int geo, ProvinceMap map, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(map);
        if (SeesAllProvinces)
        {
            return null;
        }

        var province = Province ?? throw new AccessDeniedException("Tài khoản chưa được gắn với tỉnh nào.");
        return geo == 2008 ? [.. await map.OldCodesOfAsync(province, cancellationToken).ConfigureAwait(false), "N" + province] : [province];
    }

    /// <summary>The selection limited to what the user may see: no province asked means theirs; another one is refused.</summary>
    public async Task<Selection> RestrictAsync(Selection selection, ProvinceMap map, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(selection);
        if (await AllowedAsync(selection.Geo, map, cancellationToken).ConfigureAwait(false) is not { } allowed)
        {
            return selection;
        }

        if (selection.Provinces.FirstOrDefault(p => !allowed.Contains(p)) is { } other)
        {
            throw new AccessDeniedException($"province: tài khoản {User} chỉ được xem số liệu của tỉnh {Province}, không xem được \"{other}\".");
        }

        return selection.Provinces.Count == 0 ? selection with { Provinces = allowed } : selection;
    }
}

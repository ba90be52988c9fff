namespace ReformMetrics.Dashboard.Users;

/// <summary>What a dashboard user may see and do. Province viewers and report officers see one province (with the
/// pre-merger units that became part of it); the others see every province.</summary>
public enum Role
{
    National = 1,
    Province = 2,
    Reporter = 3,
    Analyst = 4,
    Admin = 5,
}

public static class Roles
{
    /// <summary>The names used in the CLI, the store and claims.</summary>
    public static string Name(this Role role) => role.ToString().ToLowerInvariant();

    public static bool TryParse(string? text, out Role role)
    {
        role = default;
        return text is not null && text.Length > 0 && char.IsAsciiLetterLower(text[0])
            && Enum.TryParse(text, ignoreCase: true, out role) && Enum.IsDefined(role);
    }

    public static bool IsProvinceBound(this Role role) => role is Role.Province or Role.Reporter;

    public static string Label(this Role role) => role switch
    {
        Role.National => "Xem toàn quốc",
        Role.Province => "Xem một tỉnh",
        Role.Reporter => "Cán bộ báo cáo",
        Role.Analyst => "Phân tích dữ liệu",
        _ => "Quản trị",
    };
}

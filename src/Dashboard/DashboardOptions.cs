using System.ComponentModel.DataAnnotations;

namespace ReformMetrics.Dashboard;

/// <summary>The "Dashboard" section: sign-in rules.</summary>
public sealed class DashboardOptions
{
    public const string SectionName = "Dashboard";

    /// <summary>Consecutive failed logins that lock an account.</summary>
    [Range(1, 100)]
    public int LockoutFailures { get; set; } = 5;

    [Range(1, 1440)]
    public int LockoutMinutes { get; set; } = 15;

    [Range(8, 128)]
    public int MinPasswordLength { get; set; } = 10;

    /// <summary>How long a login lasts without activity.</summary>
    [Range(1, 168)]
    public int SessionHours { get; set; } = 8;
}

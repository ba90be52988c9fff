using System.ComponentModel.DataAnnotations;
using ReformMetrics.Dashboard.Transport;

namespace ReformMetrics.Dashboard;

/// <summary>The "Dashboard" section: sign-in rules and the keys of the session cookies.</summary>
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

    /// <summary>How long a session's security stamp, once read, is trusted before the store is asked again (seconds). 0, the
    /// default: every request asks (a demotion made anywhere takes effect at the very next request). Above 0, a change made
    /// by this service (the administration page) still takes effect at once; one made by another process (`reform users`)
    /// within that many seconds. Each page then costs no statement of its own: under a national feed that statement waits
    /// behind the refresh and the intake (issue 20).</summary>
    [Range(0, 60, ErrorMessage = "Dashboard:SessionCheckSeconds phải từ 0 đến 60 giây.")]
    public int SessionCheckSeconds { get; set; }

    /// <summary>Where the Data Protection keys that sign the cookies are kept (owner-only); default `&lt;store&gt;/keys`.</summary>
    public string? KeysDirectory { get; set; }

    /// <summary>An RSA certificate that encrypts those keys; default the HTTPS certificate (Server:Certificate).</summary>
    public CertificateSettings KeysCertificate { get; set; } = new();
}

using System.Net;

namespace ReformMetrics.Dashboard.Transport;

/// <summary>The "Server" section: where `reform serve` listens, its HTTPS certificate, and the reverse proxies whose
/// X-Forwarded-* headers it believes.</summary>
public sealed class ServerOptions
{
    public const string SectionName = "Server";

    /// <summary>The address to bind: 127.0.0.1 unless configured; `localhost`, an IPv4 or IPv6 address, 0.0.0.0 or :: (all).</summary>
    public string Listen { get; set; } = "127.0.0.1";

    /// <summary>With a certificate, `reform serve` answers HTTPS only.</summary>
    public CertificateSettings Certificate { get; set; } = new();

    public ForwardedHeadersSettings ForwardedHeaders { get; set; } = new();

    public bool HttpsConfigured => !string.IsNullOrWhiteSpace(Certificate.Path);

    /// <summary>What is wrong with the settings, in Vietnamese, each naming its setting; empty when they are usable.</summary>
    public IEnumerable<string> Problems()
    {
        if (!string.Equals(Listen, "localhost", StringComparison.OrdinalIgnoreCase) && !IPAddress.TryParse(Listen, out _))
        {
            yield return $"Server:Listen (--listen): \"{Listen}\" không phải địa chỉ IP; dùng 127.0.0.1 (mặc định), localhost, 0.0.0.0 (mọi địa chỉ IPv4), :: (mọi địa chỉ) hoặc một địa chỉ của máy.";
        }

        foreach (var proxy in ForwardedHeaders.KnownProxies.Where(p => !IPAddress.TryParse(p, out _)))
        {
            yield return $"Server:ForwardedHeaders:KnownProxies: \"{proxy}\" không phải địa chỉ IP (ví dụ 10.0.0.5).";
        }

        foreach (var network in ForwardedHeaders.KnownNetworks.Where(n => !IPNetwork.TryParse(n, out _)))
        {
            yield return $"Server:ForwardedHeaders:KnownNetworks: \"{network}\" không phải một dải địa chỉ CIDR (ví dụ 10.0.0.0/24).";
        }
    }
}

/// <summary>A certificate and its private key: a PEM certificate with its key (KeyPath; the same file when empty), or a
/// PFX/PKCS#12 file. Password decrypts an encrypted PEM key or the PFX.</summary>
public sealed class CertificateSettings
{
    public string? Path { get; set; }

    public string? KeyPath { get; set; }

    public string? Password { get; set; }
}

/// <summary>Reverse proxies in front of `reform serve`: only requests coming from them have their X-Forwarded-For and
/// X-Forwarded-Proto believed (so a TLS-terminating proxy makes the request HTTPS: HSTS and Secure cookies).</summary>
public sealed class ForwardedHeadersSettings
{
    public IList<string> KnownProxies { get; } = [];

    public IList<string> KnownNetworks { get; } = [];

    public bool Enabled => KnownProxies.Count > 0 || KnownNetworks.Count > 0;
}

/// <summary>A setting of the "Server" or "Dashboard" section that cannot be used; the message names it, in Vietnamese.</summary>
public sealed class ServerConfigurationException(string message) : Exception(message);

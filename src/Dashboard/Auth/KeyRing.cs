using System.Security.Cryptography.X509Certificates;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ReformMetrics.Dashboard.Transport;
using ReformMetrics.Store;

namespace ReformMetrics.Dashboard.Auth;

/// <summary>
/// The Data Protection keys that sign and encrypt session and antiforgery cookies: whoever reads them can forge any
/// user's session. They are kept in a directory of the store (not ASP.NET's default under the home directory), which
/// only the service's user may enter (0700, files 0600), and encrypted with a certificate when one is configured.
/// </summary>
public static class KeyRing
{
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static IServiceCollection AddDashboardKeyRing(this IServiceCollection services, IConfiguration configuration, DashboardOptions options, ServerTransport transport)
    {
        ArgumentNullException.ThrowIfNull(options);
        var certificate = Certificate(options, transport);
        var keys = Path.GetFullPath(KeysDirectory(options, configuration));
        // One name for every process of the service, wherever it is started from (the default is the content root).
        var builder = services.AddDataProtection().SetApplicationName("ReformMetrics");
        // The directory is made when the keys are first needed, not when the services are composed.
        services.AddOptions<KeyManagementOptions>().Configure<ILoggerFactory>((o, loggers) => o.XmlRepository = new OwnerOnlyXmlRepository(OwnerOnly(keys), loggers));
        if (certificate is not null)
        {
            builder.ProtectKeysWithCertificate(certificate);
        }

        return services;
    }

    private static DirectoryInfo OwnerOnly(string path)
    {
        var directory = Directory.CreateDirectory(path, OwnerOnlyDirectory);
        directory.UnixFileMode = OwnerOnlyDirectory; // also when it existed with wider rights
        return directory;
    }

    // With the store unless configured elsewhere.
    private static string KeysDirectory(DashboardOptions options, IConfiguration configuration) =>
        options.KeysDirectory is { Length: > 0 } directory ? directory
            : Path.Combine(configuration[$"{ClickHouseOptions.SectionName}:{nameof(ClickHouseOptions.StoreDirectory)}"] is { Length: > 0 } store ? store : new ClickHouseOptions().StoreDirectory, "keys");

    // Their own certificate when one is given, else the HTTPS one. Data Protection encrypts with RSA only: an ECDSA HTTPS
    // certificate needs Dashboard:KeysCertificate.
    private static X509Certificate2? Certificate(DashboardOptions options, ServerTransport transport)
    {
        var (certificate, setting) = !string.IsNullOrWhiteSpace(options.KeysCertificate.Path)
            ? (ServerCertificate.Load(options.KeysCertificate, "Dashboard:KeysCertificate"), "Dashboard:KeysCertificate")
            : (transport.Certificate, "Server:Certificate");
        using var rsa = certificate?.GetRSAPublicKey();
        if (certificate is not null && rsa is null)
        {
            throw new ServerConfigurationException(
                $"{setting}: khoá Data Protection chỉ mã hoá được bằng chứng chỉ RSA; đặt Dashboard:KeysCertificate là một chứng chỉ RSA (tệp PEM kèm khoá hoặc PFX).");
        }

        return certificate;
    }

    /// <summary>The file system repository, with its files made owner-only as soon as they are written.</summary>
    private sealed class OwnerOnlyXmlRepository(DirectoryInfo keys, ILoggerFactory loggers) : FileSystemXmlRepository(keys, loggers)
    {
        public override void StoreElement(XElement element, string friendlyName)
        {
            base.StoreElement(element, friendlyName);
            foreach (var file in Directory.EnumerateFiles("*.xml"))
            {
                file.UnixFileMode = OwnerOnlyFile;
            }
        }
    }
}

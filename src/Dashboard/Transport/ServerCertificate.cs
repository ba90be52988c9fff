using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ReformMetrics.Dashboard.Transport;

/// <summary>Loads a certificate with its private key, as Kestrel loads one from its own settings (PEM with a key file,
/// possibly encrypted, or PFX), once, for both HTTPS and the encryption of the cookie keys.</summary>
public static class ServerCertificate
{
    /// <param name="setting">The name of the settings section, for messages (e.g. Server:Certificate).</param>
    public static X509Certificate2 Load(CertificateSettings settings, string setting)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var path = settings.Path ?? throw new ServerConfigurationException($"{setting}:Path: chưa có đường dẫn tệp chứng chỉ.");
        if (!File.Exists(path))
        {
            throw new ServerConfigurationException($"{setting}:Path: không có tệp \"{path}\".");
        }

        if (settings.KeyPath is { Length: > 0 } keyPath && !File.Exists(keyPath))
        {
            throw new ServerConfigurationException($"{setting}:KeyPath: không có tệp \"{keyPath}\".");
        }

        X509Certificate2 certificate;
        try
        {
            var extension = System.IO.Path.GetExtension(path).ToLowerInvariant();
            certificate = extension is ".pfx" or ".p12"
                ? X509CertificateLoader.LoadPkcs12FromFile(path, settings.Password, X509KeyStorageFlags.EphemeralKeySet)
                : string.IsNullOrEmpty(settings.Password)
                    ? X509Certificate2.CreateFromPemFile(path, settings.KeyPath is { Length: > 0 } ? settings.KeyPath : null)
                    : X509Certificate2.CreateFromEncryptedPemFile(path, settings.Password, settings.KeyPath is { Length: > 0 } ? settings.KeyPath : null);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            throw new ServerConfigurationException($"{setting}: không đọc được chứng chỉ và khoá từ \"{path}\" ({ex.Message}); cần tệp PEM kèm khoá (KeyPath) hoặc tệp PFX, và Password nếu khoá được mã hoá.");
        }

        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new ServerConfigurationException($"{setting}: chứng chỉ \"{path}\" không kèm khoá riêng; đặt {setting}:KeyPath.");
        }

        return certificate;
    }
}

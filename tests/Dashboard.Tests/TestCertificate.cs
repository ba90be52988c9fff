using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ReformMetrics.Dashboard.Tests;

/// <summary>A self-signed RSA certificate for reform.example and 127.0.0.1, written as PEM files (certificate and key),
/// as an operator gets them from a certificate authority.</summary>
public sealed class TestCertificate : IDisposable
{
    private TestCertificate(X509Certificate2 certificate, string certificatePath, string keyPath)
    {
        Certificate = certificate;
        CertificatePath = certificatePath;
        KeyPath = keyPath;
    }

    public X509Certificate2 Certificate { get; }

    public string CertificatePath { get; }

    public string KeyPath { get; }

    /// <summary>The certificate as it appears in XML signatures and encryption (base64 of its DER bytes).</summary>
    public string RawBase64 => Convert.ToBase64String(Certificate.RawData);

    public static TestCertificate Write(string directory)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=reform.example", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("reform.example");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var stem = Path.Combine(directory, "tls-" + Guid.NewGuid().ToString("N")[..8]);
        File.WriteAllText(stem + ".crt", certificate.ExportCertificatePem());
        File.WriteAllText(stem + ".key", rsa.ExportPkcs8PrivateKeyPem());
        return new TestCertificate(certificate, stem + ".crt", stem + ".key");
    }

    public void Dispose() => Certificate.Dispose();
}

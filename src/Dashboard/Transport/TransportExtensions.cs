using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ReformMetrics.Dashboard.Transport;

/// <summary>The settings of the "Server" section read once and checked, with the certificate loaded (null without one).</summary>
public sealed record ServerTransport(ServerOptions Options, X509Certificate2? Certificate);

/// <summary>
/// How the service meets the network: the address and port Kestrel binds (HTTPS only when a certificate is configured),
/// the reverse proxies it believes, HSTS and the security headers. The pipeline part runs first, so that every answer,
/// errors and the other services' endpoints included, gets the headers and the proxy's view of the request.
/// </summary>
public static class TransportExtensions
{
    /// <summary>Reads and checks the "Server" section and loads its certificate; throws
    /// <see cref="ServerConfigurationException"/> naming the setting that cannot be used.</summary>
    public static ServerTransport AddServerTransport(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (services.FirstOrDefault(d => d.ServiceType == typeof(ServerTransport))?.ImplementationInstance is ServerTransport added)
        {
            return added;
        }

        var options = configuration.GetSection(ServerOptions.SectionName).Get<ServerOptions>() ?? new ServerOptions();
        if (options.Problems().FirstOrDefault() is { } problem)
        {
            throw new ServerConfigurationException(problem);
        }

        var transport = new ServerTransport(options, options.HttpsConfigured ? ServerCertificate.Load(options.Certificate, "Server:Certificate") : null);
        services.AddSingleton(transport);
        services.AddHsts(o => o.MaxAge = TimeSpan.FromDays(365));
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Only the configured proxies: the default trusts loopback, which any local process can use.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in options.ForwardedHeaders.KnownProxies)
            {
                o.KnownProxies.Add(IPAddress.Parse(proxy));
            }

            foreach (var network in options.ForwardedHeaders.KnownNetworks)
            {
                o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
        return transport;
    }

    /// <summary>Forwarded headers (when proxies are configured), HSTS (on HTTPS requests, other than to localhost) and the
    /// security headers. Call before any other middleware.</summary>
    public static WebApplication UseTransportSecurity(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Services.GetRequiredService<ServerTransport>().Options.ForwardedHeaders.Enabled)
        {
            app.UseForwardedHeaders();
        }

        app.UseHsts();
        app.UseSecurityHeaders();
        return app;
    }

    /// <summary>Binds Kestrel to the configured address (127.0.0.1 unless configured) and port, HTTPS with the configured
    /// certificate, else HTTP. Returns the base address to print.</summary>
    public static string ListenAsConfigured(this IWebHostBuilder builder, ServerTransport transport, int port)
    {
        ArgumentNullException.ThrowIfNull(transport);
        var listen = transport.Options.Listen;
        if (transport.Certificate is not null)
        {
            builder.UseKestrelHttpsConfiguration(); // the slim host leaves HTTPS out unless asked
        }

        builder.ConfigureKestrel(o =>
        {
            if (string.Equals(listen, "localhost", StringComparison.OrdinalIgnoreCase))
            {
                o.ListenLocalhost(port, Secure);
            }
            else
            {
                o.Listen(IPAddress.Parse(listen), port, Secure);
            }
        });
        var scheme = transport.Certificate is null ? "http" : "https";
        var host = IPAddress.TryParse(listen, out var address) && (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)) ? "localhost"
            : address?.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : listen;
        return $"{scheme}://{host}:{port}";

        void Secure(Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions listenOptions)
        {
            if (transport.Certificate is { } certificate)
            {
                listenOptions.UseHttps(certificate);
            }
        }
    }
}

using System.Globalization;

namespace ReformMetrics.Cli.Bench.Campaign;

/// <summary>Reading the campaigns' options.</summary>
internal static class CampaignOptions
{
    /// <summary>A decimal written either way (0.5 or 0,5). Decimal options are taken as text: the command runs in vi-VN, where
    /// System.CommandLine would read "0.5" as five (the dot groups thousands there).</summary>
    public static double Decimal(string option, string? text) =>
        double.TryParse((text ?? string.Empty).Replace(',', '.'), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw new UsageException($"{option} \"{text}\" không phải một số (ví dụ 5 hoặc 0.5).");
}

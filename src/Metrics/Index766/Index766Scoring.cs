using System.Text.Json;
using System.Text.Json.Serialization;

namespace ReformMetrics.Metrics.Index766;

public sealed record Index766Group(string Id, string Name, double Max);

/// <summary>One indicator of the index: its points, its threshold (null: linear), and the metric that measures it,
/// or what data it would need when the events cannot measure it.</summary>
public sealed record Index766Indicator(string Id, string Group, string Name, double Max, double? Threshold, string? Metric, string? Missing)
{
    [JsonIgnore]
    public bool Computable => Metric is not null;

    /// <summary>Full points at or above the threshold, else proportional (the portal's rule); linear without one.</summary>
    public double? Points(double? rate) =>
        rate is not { } r ? null : r >= (Threshold ?? 1.0) ? Max : Math.Max(r, 0) * Max / (Threshold ?? 1.0);
}

/// <summary>The scoring parameters, read from Index766/index766.json: they are not confirmed against the Decision
/// text, so they live in one data file rather than in code.</summary>
public sealed record Index766Scoring(string Source, string Rule, IReadOnlyList<Index766Group> Groups, IReadOnlyList<Index766Indicator> Indicators)
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };

    public static Index766Scoring Load()
    {
        using var stream = typeof(Index766Scoring).Assembly.GetManifestResourceStream("index766.json")!;
        var scoring = JsonSerializer.Deserialize<Index766Scoring>(stream, Json) ?? throw new InvalidDataException("index766.json is empty");
        var total = scoring.Groups.Sum(g => g.Max);
        foreach (var group in scoring.Groups)
        {
            var sum = scoring.Indicators.Where(i => i.Group == group.Id).Sum(i => i.Max);
            if (Math.Abs(sum - group.Max) > 1e-9)
            {
                throw new InvalidDataException($"index766.json: indicators of group {group.Id} add up to {sum}, not {group.Max}");
            }
        }

        return Math.Abs(total - 100) < 1e-9 ? scoring : throw new InvalidDataException($"index766.json: groups add up to {total}, not 100");
    }
}

using System.Text.RegularExpressions;

namespace ReformMetrics.Metrics.Catalogue;

/// <summary>Reads the inputs of a formula: a ClickHouse expression over base measures and other metrics.</summary>
public static partial class Formula
{
    private static readonly HashSet<string> Keywords = new(StringComparer.OrdinalIgnoreCase) { "NULL", "AND", "OR", "NOT", "IS", "IN", "TRUE", "FALSE" };

    /// <summary>
    /// The names a formula reads, each once, in order of appearance: every identifier except function names (followed by
    /// a parenthesis), keywords, lambda parameters (<c>x -></c>, <c>(x, c) -></c>), tuple indexes and string literals.
    /// </summary>
    public static IReadOnlyList<string> Identifiers(string sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        var code = StringLiteral().Replace(sql, "''");
        var lambdas = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match match in LambdaParameters().Matches(code))
        {
            foreach (var name in match.Groups["params"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                lambdas.Add(name);
            }
        }

        return Identifier().Matches(code)
            .Where(m => !m.Groups["call"].Success)
            .Select(m => m.Groups["name"].Value)
            .Where(name => !Keywords.Contains(name) && !lambdas.Contains(name))
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    [GeneratedRegex(@"'(?:[^'\\]|\\.)*'")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"(?:\((?<params>[A-Za-z_][A-Za-z0-9_]*(?:\s*,\s*[A-Za-z_][A-Za-z0-9_]*)*)\)|(?<params>[A-Za-z_][A-Za-z0-9_]*))\s*->")]
    private static partial Regex LambdaParameters();

    // A name not preceded by a dot or a digit (tuple indexes such as .1 are numbers, not names).
    [GeneratedRegex(@"(?<![\w.])(?<name>[A-Za-z_][A-Za-z0-9_]*)(?<call>\s*\()?")]
    private static partial Regex Identifier();
}

namespace ReformMetrics.Metrics.Query.Evaluation;

/// <summary>
/// A formula of the catalogue (a ClickHouse expression over base measures and other metrics), parsed once so that it can be
/// evaluated in this process over base measures summed here. Only the subset the catalogue's dossier formulas are written in
/// is understood (<see cref="FormulaParser"/>); the values follow ClickHouse's rules for that subset, so that an answer
/// computed here equals the engine's to the last bit (tests compare both on every metric and grouping):
/// integers stay Int64 under + − ×, <c>/</c> is always Float64, NULL propagates, comparisons give 1 or 0.
/// </summary>
/// <remarks>Values: <c>null</c>, <see cref="long"/>, <see cref="double"/>, arrays as <c>object?[]</c>, tuples as
/// <see cref="TupleValue"/>, maps as <see cref="SortedDictionary{TKey, TValue}"/> of long (sumMap's keys come sorted).</remarks>
internal abstract record FormulaExpression
{
    public abstract object? Evaluate(FormulaScope scope);
}

internal sealed record TupleValue(object?[] Items);

/// <summary>The names a formula reads: base measures and metrics (resolved on demand), and the parameters of the lambdas
/// being applied (a chain of small frames: a lambda is applied once per array element).</summary>
internal sealed class FormulaScope
{
    private readonly Func<string, object?> _resolve;
    private readonly FormulaScope? _outer;
    private readonly IReadOnlyList<string>? _names;
    private readonly object?[]? _values;

    public FormulaScope(Func<string, object?> resolve) => _resolve = resolve;

    private FormulaScope(FormulaScope outer, IReadOnlyList<string> names, object?[] values) =>
        (_resolve, _outer, _names, _values) = (outer._resolve, outer, names, values);

    public object? Read(string name)
    {
        for (var scope = this; scope is not null; scope = scope._outer)
        {
            for (var i = 0; scope._names is not null && i < scope._names.Count; i++)
            {
                if (scope._names[i] == name)
                {
                    return scope._values![i];
                }
            }
        }

        return _resolve(name);
    }

    public FormulaScope With(IReadOnlyList<string> parameters, object?[] arguments) => new(this, parameters, arguments);
}

internal sealed record Literal(object? Value) : FormulaExpression
{
    public override object? Evaluate(FormulaScope scope) => Value;
}

internal sealed record NameReference(string Name) : FormulaExpression
{
    public override object? Evaluate(FormulaScope scope) => scope.Read(Name);
}

internal sealed record Lambda(IReadOnlyList<string> Parameters, FormulaExpression Body) : FormulaExpression
{
    public override object? Evaluate(FormulaScope scope) => throw new NotSupportedException("A lambda is only an argument of an array function.");

    public object? Apply(FormulaScope scope, object?[] arguments) => Body.Evaluate(scope.With(Parameters, arguments));
}

internal sealed record TupleElement(FormulaExpression Target, int Index) : FormulaExpression
{
    public override object? Evaluate(FormulaScope scope) => Target.Evaluate(scope) switch
    {
        null => null,
        TupleValue tuple => tuple.Items[Index - 1],
        var other => throw new InvalidOperationException($"Element {Index} of {other.GetType().Name}, which is not a tuple."),
    };
}

internal sealed record Negation(FormulaExpression Operand) : FormulaExpression
{
    public override object? Evaluate(FormulaScope scope) => Operand.Evaluate(scope) switch
    {
        null => null,
        long l => (object)(-l),
        var other => -Numbers.ToDouble(other),
    };
}

internal sealed record Binary(string Operator, FormulaExpression Left, FormulaExpression Right) : FormulaExpression
{
    public override object? Evaluate(FormulaScope scope)
    {
        var left = Left.Evaluate(scope);
        if (Operator is "AND" or "OR")
        {
            return Logic(left, Right.Evaluate(scope));
        }

        var right = Right.Evaluate(scope);
        if (left is null || right is null)
        {
            return null;
        }

        if (Operator is "+" or "-" or "*" && left is long a && right is long b)
        {
            return Operator switch { "+" => unchecked(a + b), "-" => unchecked(a - b), _ => unchecked(a * b) };
        }

        if (Operator is "+" or "-" or "*" or "/")
        {
            var (x, y) = (Numbers.ToDouble(left), Numbers.ToDouble(right));
            return Operator switch { "+" => x + y, "-" => x - y, "*" => x * y, _ => x / y };
        }

        var c = Numbers.Compare(left, right);
        return Operator switch
        {
            "=" => c == 0,
            "!=" => c != 0,
            "<" => c < 0,
            "<=" => c <= 0,
            ">" => c > 0,
            _ => c >= 0,
        } ? 1L : 0L;
    }

    // ClickHouse's three-valued logic: a false side decides AND, a true side decides OR, else NULL wins.
    private long? Logic(object? left, object? right)
    {
        var (decisive, other) = Operator == "AND" ? (false, true) : (true, false);
        bool? l = left is null ? null : Numbers.IsTrue(left);
        bool? r = right is null ? null : Numbers.IsTrue(right);
        if (l == decisive || r == decisive)
        {
            return decisive ? 1L : 0L;
        }

        return l is null || r is null ? null : other ? 1L : 0L;
    }
}

internal static class Numbers
{
    public static double ToDouble(object value) => value switch
    {
        long l => l,
        double d => d,
        _ => throw new InvalidOperationException($"{value.GetType().Name} is not a number."),
    };

    public static int Compare(object left, object right) =>
        left is long a && right is long b ? a.CompareTo(b) : ToDouble(left).CompareTo(ToDouble(right));

    public static bool IsTrue(object value) => value is long l ? l != 0 : ToDouble(value) != 0;
}

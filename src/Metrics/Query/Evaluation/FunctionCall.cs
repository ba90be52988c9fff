namespace ReformMetrics.Metrics.Query.Evaluation;

/// <summary>A call of one of the ClickHouse functions the catalogue's formulas use, with ClickHouse's semantics for the
/// argument types they get (counts as Int64, rates as Float64, the processing-days histogram as a Map).</summary>
internal sealed record FunctionCall(string Function, IReadOnlyList<FormulaExpression> Arguments) : FormulaExpression
{
    /// <summary>The functions understood here and how many arguments each takes.</summary>
    public static readonly IReadOnlyDictionary<string, (int Min, int Max)> Known = new Dictionary<string, (int, int)>(StringComparer.Ordinal)
    {
        ["if"] = (3, 3), ["nullIf"] = (2, 2), ["toInt64"] = (1, 1), ["mapKeys"] = (1, 1), ["mapValues"] = (1, 1), ["arrayZip"] = (2, 2),
        ["arraySort"] = (1, 2), ["arraySum"] = (1, 1), ["arrayCumSum"] = (1, 1), ["arrayMap"] = (2, 3), ["arrayFirst"] = (2, 3),
    };

    public override object? Evaluate(FormulaScope scope)
    {
        if (Function == "if")
        {
            // Only the branch taken is evaluated (ClickHouse evaluates both, but they have no side effects).
            return Arguments[0].Evaluate(scope) is { } condition && Numbers.IsTrue(condition) ? Arguments[1].Evaluate(scope) : Arguments[2].Evaluate(scope);
        }

        if (Arguments[0] is Lambda lambda)
        {
            return ApplyLambda(lambda, Arguments.Skip(1).Select(a => Array(a.Evaluate(scope))).ToArray(), scope);
        }

        var values = Arguments.Select(a => a.Evaluate(scope)).ToArray();
        return Function switch
        {
            "nullIf" => values[0] is null || (values[1] is not null && Numbers.Compare(values[0]!, values[1]!) == 0) ? null : values[0],
            "toInt64" => values[0] switch
            {
                null => null,
                long l => (object)l,
                var v => (long)Math.Truncate(Numbers.ToDouble(v)),
            },
            "mapKeys" => Map(values[0]).Keys.Select(k => (object?)k).ToArray(),
            "mapValues" => Map(values[0]).Values.Select(v => (object?)v).ToArray(),
            "arrayZip" => Zip(Array(values[0]), Array(values[1])),
            "arraySort" => Array(values[0]).OrderBy(v => v, ValueOrder.Instance).ToArray(),
            "arraySum" => Sum(Array(values[0])),
            "arrayCumSum" => CumulativeSum(Array(values[0])),
            _ => throw new NotSupportedException($"{Function} takes a lambda first."),
        };
    }

    private object? ApplyLambda(Lambda lambda, object?[][] arrays, FormulaScope scope)
    {
        var length = arrays[0].Length;
        if (arrays.Any(a => a.Length != length))
        {
            throw new InvalidOperationException($"{Function}: arrays of different lengths.");
        }

        object? At(int i) => lambda.Apply(scope, arrays.Select(a => a[i]).ToArray());
        switch (Function)
        {
            case "arrayMap":
                return Enumerable.Range(0, length).Select(At).ToArray();
            case "arraySort":
                return Enumerable.Range(0, length).OrderBy(At, ValueOrder.Instance).Select(i => arrays[0][i]).ToArray();
            case "arrayFirst":
                for (var i = 0; i < length; i++)
                {
                    if (At(i) is { } hit && Numbers.IsTrue(hit))
                    {
                        return arrays[0][i];
                    }
                }

                // No element matches: ClickHouse answers the element type's default.
                return length == 0 ? null : Default(arrays[0][0]);
            default:
                throw new NotSupportedException($"{Function} does not take a lambda.");
        }
    }

    private static object? Default(object? sample) => sample switch
    {
        TupleValue tuple => new TupleValue(tuple.Items.Select(Default).ToArray()),
        double => 0d,
        long => 0L,
        _ => null,
    };

    private static object?[] Zip(object?[] left, object?[] right) =>
        left.Length == right.Length
            ? left.Zip(right, (l, r) => (object?)new TupleValue([l, r])).ToArray()
            : throw new InvalidOperationException("arrayZip: arrays of different lengths.");

    private static object Sum(object?[] values) =>
        values.All(v => v is long) ? values.Aggregate(0L, (sum, v) => unchecked(sum + (long)v!)) : (object)values.Aggregate(0d, (sum, v) => sum + Numbers.ToDouble(v!));

    private static object?[] CumulativeSum(object?[] values)
    {
        var result = new object?[values.Length];
        object running = 0L;
        for (var i = 0; i < values.Length; i++)
        {
            running = running is long a && values[i] is long b ? unchecked(a + b) : (object)(Numbers.ToDouble(running) + Numbers.ToDouble(values[i]!));
            result[i] = running;
        }

        return result;
    }

    private static object?[] Array(object? value) => value as object?[] ?? throw new InvalidOperationException($"Expected an array, got {value?.GetType().Name ?? "NULL"}.");

    private static SortedDictionary<long, long> Map(object? value) =>
        value as SortedDictionary<long, long> ?? throw new InvalidOperationException($"Expected a map, got {value?.GetType().Name ?? "NULL"}.");

    /// <summary>Ascending order of numbers and of tuples element by element (how arraySort orders them).</summary>
    private sealed class ValueOrder : IComparer<object?>
    {
        public static readonly ValueOrder Instance = new();

        public int Compare(object? x, object? y) => (x, y) switch
        {
            (null, null) => 0,
            (null, _) => 1, // NULLs last
            (_, null) => -1,
            (TupleValue a, TupleValue b) => a.Items.Zip(b.Items, Compare).FirstOrDefault(c => c != 0),
            _ => Numbers.Compare(x, y),
        };
    }
}

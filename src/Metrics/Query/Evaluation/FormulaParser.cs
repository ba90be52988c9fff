using System.Collections.Concurrent;
using System.Globalization;

namespace ReformMetrics.Metrics.Query.Evaluation;

/// <summary>
/// Parses the subset of ClickHouse expressions the catalogue's formulas use: numbers, NULL, names, + − × /, comparisons,
/// AND/OR, parentheses, tuple elements (<c>.1</c>), calls of <see cref="FunctionCall.Known"/> and lambdas as their first
/// argument. Anything else is refused with <see cref="NotSupportedException"/>: a formula outside the subset is
/// then answered by the engine only (a test checks that every dossier formula parses).
/// </summary>
internal sealed class FormulaParser
{
    private static readonly ConcurrentDictionary<string, FormulaExpression> Parsed = new(StringComparer.Ordinal);
    private static readonly string[] Symbols = ["->", ">=", "<=", "!=", "<>", "==", "=", "<", ">", "+", "-", "*", "/", "(", ")", ",", "."];
    private static readonly string[][] Levels = [["OR"], ["AND"], ["=", "==", "!=", "<>", "<", "<=", ">", ">="], ["+", "-"], ["*", "/"]];

    private readonly List<string> _tokens;
    private int _at;

    private FormulaParser(string sql) => _tokens = Tokenize(sql);

    /// <summary>The parsed formula, kept for the life of the process (the catalogue's formulas are few and fixed).</summary>
    public static FormulaExpression Parse(string sql) => Parsed.GetOrAdd(sql, static s =>
    {
        var parser = new FormulaParser(s);
        var expression = parser.Level(0);
        return parser._at == parser._tokens.Count ? expression : throw new NotSupportedException($"Unexpected '{parser._tokens[parser._at]}' in: {s}");
    });

    private FormulaExpression Level(int level)
    {
        if (level == Levels.Length)
        {
            return Unary();
        }

        var left = Level(level + 1);
        while (_at < _tokens.Count && Levels[level].Contains(_tokens[_at], StringComparer.OrdinalIgnoreCase))
        {
            var op = _tokens[_at++].ToUpperInvariant() switch { "==" => "=", "<>" => "!=", var o => o };
            left = new Binary(op, left, Level(level + 1));
        }

        return left;
    }

    private FormulaExpression Unary()
    {
        if (!Peek("-"))
        {
            return Postfix(Primary());
        }

        _at++;
        return new Negation(Unary());
    }

    private FormulaExpression Postfix(FormulaExpression target)
    {
        while (Peek("."))
        {
            _at++;
            target = new TupleElement(target, int.Parse(Next(), NumberStyles.None, CultureInfo.InvariantCulture));
        }

        return target;
    }

    private FormulaExpression Primary()
    {
        var token = Next();
        if (token == "(")
        {
            var inner = Level(0);
            Take(")");
            return inner;
        }

        if (char.IsAsciiDigit(token[0]))
        {
            return new Literal(token.Contains('.', StringComparison.Ordinal)
                ? double.Parse(token, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture)
                : (object)long.Parse(token, NumberStyles.None, CultureInfo.InvariantCulture));
        }

        if (!IsName(token))
        {
            throw new NotSupportedException($"Unexpected '{token}'.");
        }

        if (string.Equals(token, "NULL", StringComparison.OrdinalIgnoreCase))
        {
            return new Literal(null);
        }

        if (!Peek("("))
        {
            return new NameReference(token);
        }

        if (!FunctionCall.Known.TryGetValue(token, out var arity))
        {
            throw new NotSupportedException($"Function {token} is not evaluated in process.");
        }

        _at++;
        var arguments = new List<FormulaExpression>();
        while (!Peek(")"))
        {
            arguments.Add(arguments.Count == 0 && LambdaAhead() is { } lambda ? lambda : Level(0));
            if (!Peek(")"))
            {
                Take(",");
            }
        }

        Take(")");
        return arguments.Count >= arity.Min && arguments.Count <= arity.Max
            ? new FunctionCall(token, arguments)
            : throw new NotSupportedException($"{token} with {arguments.Count} arguments.");
    }

    /// <summary>A lambda at the cursor (<c>x -></c> or <c>(x, c) -></c>), or null with the cursor unmoved.</summary>
    private Lambda? LambdaAhead()
    {
        var start = _at;
        var names = new List<string>();
        if (Peek("("))
        {
            _at++;
            while (_at < _tokens.Count && IsName(_tokens[_at]))
            {
                names.Add(_tokens[_at++]);
                if (!Peek(","))
                {
                    break;
                }

                _at++;
            }

            if (!Peek(")"))
            {
                _at = start;
                return null;
            }

            _at++;
        }
        else if (_at < _tokens.Count && IsName(_tokens[_at]))
        {
            names.Add(_tokens[_at++]);
        }

        if (names.Count == 0 || !Peek("->"))
        {
            _at = start;
            return null;
        }

        _at++;
        return new Lambda(names, Level(0));
    }

    private bool Peek(string token) => _at < _tokens.Count && _tokens[_at] == token;

    private string Next() => _at < _tokens.Count ? _tokens[_at++] : throw new NotSupportedException("The formula ends too early.");

    private string Take(string token) => Next() is var next && next == token ? next : throw new NotSupportedException($"Expected '{token}', found '{next}'.");

    private static bool IsName(string token) => char.IsAsciiLetter(token[0]) || token[0] == '_';

    private static List<string> Tokenize(string sql)
    {
        var tokens = new List<string>();
        for (var i = 0; i < sql.Length;)
        {
            var c = sql[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (char.IsAsciiLetter(c) || c == '_')
            {
                var start = i;
                while (i < sql.Length && (char.IsAsciiLetterOrDigit(sql[i]) || sql[i] == '_'))
                {
                    i++;
                }

                tokens.Add(sql[start..i]);
            }
            else if (char.IsAsciiDigit(c))
            {
                // A dot after a closing parenthesis or a name is a tuple element (x.1), not a decimal point.
                var start = i;
                while (i < sql.Length && (char.IsAsciiDigit(sql[i]) || (sql[i] == '.' && i + 1 < sql.Length && char.IsAsciiDigit(sql[i + 1]) && !tokens.LastOrDefault("").Equals(".", StringComparison.Ordinal))))
                {
                    i++;
                }

                tokens.Add(sql[start..i]);
            }
            else if (Symbols.FirstOrDefault(s => string.CompareOrdinal(sql, i, s, 0, s.Length) == 0) is { } symbol)
            {
                tokens.Add(symbol);
                i += symbol.Length;
            }
            else
            {
                throw new NotSupportedException($"Unexpected character '{c}' in: {sql}");
            }
        }

        return tokens;
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace NetDsl.Generators.Parsing;

/// <summary>
/// The small expression language of block arguments: integers, doubles, true/false, parameter names, + - * / % (C#'s
/// integer semantics), comparisons, ! &amp;&amp; ||, ?:, parentheses and calls (built-in functions and [Let]s). Lowering
/// evaluates every expression; none reaches generated code.
/// </summary>
internal abstract class Expression
{
    /// <summary>Offset of the expression's first character in the source string.</summary>
    public int Start { get; protected set; }

    /// <summary>Length in the source string.</summary>
    public int Length { get; protected set; }

    /// <summary>All identifiers, with their offsets.</summary>
    public abstract IEnumerable<IdentifierExpression> Identifiers();
}

internal sealed class LiteralExpression : Expression
{
    public LiteralExpression(ExpressionValue value, int start, int length)
    {
        Value = value;
        Start = start;
        Length = length;
    }

    public ExpressionValue Value { get; }

    public override IEnumerable<IdentifierExpression> Identifiers() => Array.Empty<IdentifierExpression>();
}

internal sealed class IdentifierExpression : Expression
{
    public IdentifierExpression(string name, int start)
    {
        Name = name;
        Start = start;
        Length = name.Length;
    }

    public string Name { get; }

    public override IEnumerable<IdentifierExpression> Identifiers() => new[] { this };
}

internal sealed class UnaryExpression : Expression
{
    public UnaryExpression(string op, Expression operand, int start)
    {
        Operator = op;
        Operand = operand;
        Start = start;
        Length = operand.Start + operand.Length - start;
    }

    public string Operator { get; }

    public Expression Operand { get; }

    public override IEnumerable<IdentifierExpression> Identifiers() => Operand.Identifiers();
}

internal sealed class BinaryExpression : Expression
{
    public BinaryExpression(string op, Expression left, Expression right)
    {
        Operator = op;
        Left = left;
        Right = right;
        Start = left.Start;
        Length = right.Start + right.Length - left.Start;
    }

    public string Operator { get; }

    public Expression Left { get; }

    public Expression Right { get; }

    public override IEnumerable<IdentifierExpression> Identifiers()
    {
        foreach (var id in Left.Identifiers())
        {
            yield return id;
        }
        foreach (var id in Right.Identifiers())
        {
            yield return id;
        }
    }
}

internal sealed class ConditionalExpression : Expression
{
    public ConditionalExpression(Expression condition, Expression whenTrue, Expression whenFalse)
    {
        Condition = condition;
        WhenTrue = whenTrue;
        WhenFalse = whenFalse;
        Start = condition.Start;
        Length = whenFalse.Start + whenFalse.Length - condition.Start;
    }

    public Expression Condition { get; }

    public Expression WhenTrue { get; }

    public Expression WhenFalse { get; }

    public override IEnumerable<IdentifierExpression> Identifiers()
    {
        foreach (var e in new[] { Condition, WhenTrue, WhenFalse })
        {
            foreach (var id in e.Identifiers())
            {
                yield return id;
            }
        }
    }
}

/// <summary>An int (64-bit, C#'s long), a double or a bool value.</summary>
/// <summary>A call: a built-in (min, max, floor, ceil, round, int) or a [Let] function of the block or network.</summary>
internal sealed class CallExpression : Expression
{
    public CallExpression(string name, IReadOnlyList<Expression> arguments, int start, int end)
    {
        Name = name;
        Arguments = arguments;
        Start = start;
        Length = end - start;
    }

    public string Name { get; }

    public IReadOnlyList<Expression> Arguments { get; }

    public override IEnumerable<IdentifierExpression> Identifiers() => Arguments.SelectMany(a => a.Identifiers());
}

/// <summary>A function written with [Let("name(a, b)", "expression")]: its parameters and body.</summary>
internal sealed class FunctionDefinition
{
    public FunctionDefinition(string name, IReadOnlyList<string> parameters, Expression body)
    {
        Name = name;
        Parameters = parameters;
        Body = body;
    }

    public string Name { get; }

    public IReadOnlyList<string> Parameters { get; }

    public Expression Body { get; }
}

/// <summary>The functions every expression can call.</summary>
internal static class BuiltInFunctions
{
    public static readonly string[] Names = { "min", "max", "floor", "ceil", "round", "int" };

    public static int Arity(string name) => name is "min" or "max" ? 2 : 1;

    public static ExpressionValue Call(string name, IReadOnlyList<ExpressionValue> arguments, Expression where)
    {
        foreach (var argument in arguments)
        {
            if (argument.IsBool || argument.IsEnum)
            {
                throw new ExpressionException($"{name} takes numbers, not {argument.TypeName}", where.Start, where.Length);
            }
        }
        if (name is "min" or "max")
        {
            var (a, b) = (arguments[0], arguments[1]);
            if (a.IsInt && b.IsInt)
            {
                return ExpressionValue.Of(name == "min" ? Math.Min(a.Number, b.Number) : Math.Max(a.Number, b.Number));
            }
            return ExpressionValue.Of(name == "min" ? Math.Min(a.Real, b.Real) : Math.Max(a.Real, b.Real));
        }
        var x = arguments[0];
        if (x.IsInt)
        {
            return x;
        }
        var real = name switch
        {
            "floor" => Math.Floor(x.Real),
            "ceil" => Math.Ceiling(x.Real),
            "round" => Math.Round(x.Real, MidpointRounding.ToEven), // as Python's round()
            _ => Math.Truncate(x.Real), // int(): toward zero, as Python's int() and C#'s cast
        };
        if (double.IsNaN(real) || real < long.MinValue || real >= 9.2233720368547758E18)
        {
            throw new ExpressionException($"{name}({x}) does not fit in a 64-bit integer", where.Start, where.Length);
        }
        return ExpressionValue.Of((long)real);
    }
}

internal readonly struct ExpressionValue
{
    private ExpressionValue(ExpressionType type, long number, double real, string? enumType = null, string? display = null)
    {
        Type = type;
        Number = number;
        this.real = real;
        EnumType = enumType;
        this.display = display;
    }

    public ExpressionType Type { get; }

    public bool IsBool => Type == ExpressionType.Bool;

    public bool IsInt => Type == ExpressionType.Int;

    public bool IsDouble => Type == ExpressionType.Double;

    public bool IsEnum => Type == ExpressionType.Enum;

    /// <summary>An enum value's type, by its full name (<c>NetDsl.Activation</c>); null for other values.</summary>
    public string? EnumType { get; }

    private readonly string? display;

    /// <summary>The value of an int (or bool as 0/1).</summary>
    public long Number { get; }

    /// <summary>The value of a number as a double (ints converted, as C# does).</summary>
    public double Real => IsDouble ? real : Number;

    private readonly double real;

    public bool Bool => Number != 0;

    public static ExpressionValue Of(long value) => new(ExpressionType.Int, value, 0);

    public static ExpressionValue Of(bool value) => new(ExpressionType.Bool, value ? 1 : 0, 0);

    public static ExpressionValue Of(double value) => new(ExpressionType.Double, 0, value);

    /// <summary>A member of an enum: its type's full name, its underlying value and how it is written (<c>Activation.ReLU</c>).</summary>
    public static ExpressionValue OfEnum(string enumType, long value, string display) => new(ExpressionType.Enum, value, value, enumType, display);

    public string TypeName => Type switch
    {
        ExpressionType.Bool => "bool",
        ExpressionType.Double => "double",
        ExpressionType.Enum => EnumTypes.ShortName(EnumType!),
        _ => "int",
    };

    /// <summary>Equal type (for an enum: the same enum) and value.</summary>
    public bool SameAs(ExpressionValue other) => Type == other.Type && EnumType == other.EnumType && Number == other.Number && Real.Equals(other.Real);

    /// <summary>A C# literal of the same type and value: ints beyond int's range get the L suffix.</summary>

    /// <summary>The shortest round-tripping C# double literal (always with a '.' or an exponent).</summary>
    public static string DoubleLiteral(double value)
    {
        if (double.IsNaN(value))
        {
            return "global::System.Double.NaN";
        }
        if (double.IsInfinity(value))
        {
            return value > 0 ? "global::System.Double.PositiveInfinity" : "global::System.Double.NegativeInfinity";
        }
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains(".") || text.Contains("E") ? text : text + ".0";
    }

    public override string ToString() => Type switch
    {
        ExpressionType.Bool => Bool ? "true" : "false",
        ExpressionType.Double => Real.ToString("R", CultureInfo.InvariantCulture),
        ExpressionType.Enum => display ?? Number.ToString(CultureInfo.InvariantCulture),
        _ => Number.ToString(CultureInfo.InvariantCulture),
    };
}

internal enum ExpressionType
{
    Int,
    Double,
    Bool,

    /// <summary>A member of an enum (which one: <see cref="ExpressionValue.EnumType"/>); only ==, != and ?: apply.</summary>
    Enum,
}

/// <summary>Enum type names as expressions show them, and the member names expressions may use.</summary>
internal static class EnumTypes
{
    /// <summary>
    /// Every way an expression may name each member: the type's name with as much of its namespace as the user likes
    /// (Activation.ReLU, NetDsl.Activation.ReLU). A name two enums share is left out, so it is an unknown name rather
    /// than a guess.
    /// </summary>
    public static Dictionary<string, ExpressionValue> Members(IEnumerable<Model.EnumDefinition> enums)
    {
        var result = new Dictionary<string, ExpressionValue>(StringComparer.Ordinal);
        var ambiguous = new HashSet<string>(StringComparer.Ordinal);
        foreach (var definition in enums)
        {
            var parts = definition.FullName.Split('.');
            var shortName = parts[parts.Length - 1];
            foreach (var member in definition.Members)
            {
                var value = ExpressionValue.OfEnum(definition.FullName, member.Value, shortName + "." + member.Name);
                for (var first = 0; first < parts.Length; first++)
                {
                    var name = string.Join(".", parts, first, parts.Length - first) + "." + member.Name;
                    if (result.TryGetValue(name, out var existing) && existing.EnumType != definition.FullName)
                    {
                        ambiguous.Add(name);
                    }
                    result[name] = value;
                }
            }
        }
        foreach (var name in ambiguous)
        {
            result.Remove(name);
        }
        return result;
    }

    /// <summary>"an Activation", "a Padding": the short name with its article, for messages.</summary>
    public static string WithArticle(string fullName)
    {
        var name = ShortName(fullName);
        return (name.Length > 0 && "AEIOUaeiou".IndexOf(name[0]) >= 0 ? "an " : "a ") + name;
    }

    /// <summary>The type's name without its namespace and containing types: NetDsl.Activation → Activation.</summary>
    public static string ShortName(string fullName)
    {
        var dot = fullName.LastIndexOf('.');
        return dot < 0 ? fullName : fullName.Substring(dot + 1);
    }
}

/// <summary>An error at an offset of the expression text.</summary>
internal class ExpressionException : Exception
{
    public ExpressionException(string message, int start, int length)
        : base(message)
    {
        Start = start;
        Length = Math.Max(length, 1);
    }

    public int Start { get; }

    public int Length { get; }
}

internal static class ExpressionEvaluator
{
    /// <summary>
    /// Evaluates with the given variables, with C#'s semantics for long, double and bool (ints are promoted to double
    /// where a double meets them). Type errors, unknown names, division by zero and 64-bit overflow throw
    /// <see cref="ExpressionException"/>: a value inference accepts is exactly the value the emitted C# computes.
    /// </summary>
    public static ExpressionValue Evaluate(Expression expression, IReadOnlyDictionary<string, ExpressionValue> variables) =>
        Evaluate(expression, variables, null, 0);

    /// <summary>Evaluates with the [Let] functions of the scope (a function calls only those declared before it).</summary>
    public static ExpressionValue Evaluate(Expression expression, IReadOnlyDictionary<string, ExpressionValue> variables, IReadOnlyDictionary<string, FunctionDefinition>? functions) =>
        Evaluate(expression, variables, functions, 0);

    private static ExpressionValue Evaluate(Expression expression, IReadOnlyDictionary<string, ExpressionValue> variables, IReadOnlyDictionary<string, FunctionDefinition>? functions, int depth)
    {
        switch (expression)
        {
            case LiteralExpression literal:
                return literal.Value;
            case IdentifierExpression id:
                if (variables.TryGetValue(id.Name, out var value))
                {
                    return value;
                }
                throw new UnknownNameException(id.Name, id.Start, id.Length);
            case UnaryExpression unary:
            {
                var operand = Evaluate(unary.Operand, variables, functions, depth);
                if (unary.Operator == "!")
                {
                    return ExpressionValue.Of(!Expect(operand, ExpressionType.Bool, unary.Operand).Bool);
                }
                ExpectNumber(operand, unary.Operand);
                if (operand.IsDouble)
                {
                    return ExpressionValue.Of(-operand.Real);
                }
                return Checked(() => ExpressionValue.Of(checked(-operand.Number)), unary);
            }
            case ConditionalExpression conditional:
            {
                var condition = Expect(Evaluate(conditional.Condition, variables, functions, depth), ExpressionType.Bool, conditional.Condition);
                var whenTrue = Evaluate(conditional.WhenTrue, variables, functions, depth);
                var whenFalse = Evaluate(conditional.WhenFalse, variables, functions, depth);
                if (whenTrue.IsBool != whenFalse.IsBool || whenTrue.IsEnum != whenFalse.IsEnum || whenTrue.EnumType != whenFalse.EnumType)
                {
                    throw new ExpressionException($"both branches of ?: must have the same type, not {whenTrue.TypeName} and {whenFalse.TypeName}", conditional.Start, conditional.Length);
                }
                var chosen = condition.Bool ? whenTrue : whenFalse;
                // C# gives (c ? 1 : 2.5) the type double.
                return whenTrue.IsDouble != whenFalse.IsDouble ? ExpressionValue.Of(chosen.Real) : chosen;
            }
            case BinaryExpression binary:
                return EvaluateBinary(binary, variables, functions, depth);
            case CallExpression call:
            {
                var arguments = call.Arguments.Select(a => Evaluate(a, variables, functions, depth)).ToList();
                if (functions is not null && functions.TryGetValue(call.Name, out var function))
                {
                    if (arguments.Count != function.Parameters.Count)
                    {
                        throw new ExpressionException($"{call.Name} takes {function.Parameters.Count} arguments, not {arguments.Count}", call.Start, call.Length);
                    }
                    if (depth > 64)
                    {
                        throw new ExpressionException($"{call.Name} nests too deeply", call.Start, call.Length);
                    }
                    var scope = new Dictionary<string, ExpressionValue>();
                    foreach (var pair in variables)
                    {
                        scope[pair.Key] = pair.Value;
                    }
                    for (var i = 0; i < arguments.Count; i++)
                    {
                        scope[function.Parameters[i]] = arguments[i];
                    }
                    try
                    {
                        return Evaluate(function.Body, scope, functions, depth + 1);
                    }
                    catch (ExpressionException e) when (e is not UnknownNameException)
                    {
                        throw new ExpressionException($"in {call.Name}: {e.Message}", call.Start, call.Length);
                    }
                }
                if (!BuiltInFunctions.Names.Contains(call.Name))
                {
                    throw new ExpressionException($"unknown function '{call.Name}'", call.Start, call.Length);
                }
                if (arguments.Count != BuiltInFunctions.Arity(call.Name))
                {
                    throw new ExpressionException($"{call.Name} takes {BuiltInFunctions.Arity(call.Name)} argument{(BuiltInFunctions.Arity(call.Name) == 1 ? string.Empty : "s")}, not {arguments.Count}", call.Start, call.Length);
                }
                return BuiltInFunctions.Call(call.Name, arguments, call);
            }
            default:
                throw new ExpressionException("unsupported expression", expression.Start, expression.Length);
        }
    }

    private static ExpressionValue EvaluateBinary(BinaryExpression binary, IReadOnlyDictionary<string, ExpressionValue> variables, IReadOnlyDictionary<string, FunctionDefinition>? functions, int depth)
    {
        var left = Evaluate(binary.Left, variables, functions, depth);
        var right = Evaluate(binary.Right, variables, functions, depth);
        switch (binary.Operator)
        {
            case "&&":
                return ExpressionValue.Of(Expect(left, ExpressionType.Bool, binary.Left).Bool && Expect(right, ExpressionType.Bool, binary.Right).Bool);
            case "||":
                return ExpressionValue.Of(Expect(left, ExpressionType.Bool, binary.Left).Bool || Expect(right, ExpressionType.Bool, binary.Right).Bool);
            case "==":
            case "!=":
                if (left.IsBool != right.IsBool || left.IsEnum != right.IsEnum || left.EnumType != right.EnumType)
                {
                    throw new ExpressionException($"cannot compare {left.TypeName} with {right.TypeName}", binary.Start, binary.Length);
                }
                var equal = left.IsBool || left.IsEnum || left.IsInt && right.IsInt ? left.Number == right.Number : left.Real == right.Real;
                return ExpressionValue.Of(equal == (binary.Operator == "=="));
        }
        ExpectNumber(left, binary.Left);
        ExpectNumber(right, binary.Right);
        if (left.IsDouble || right.IsDouble)
        {
            double a = left.Real, b = right.Real;
            switch (binary.Operator)
            {
                case "+": return ExpressionValue.Of(a + b);
                case "-": return ExpressionValue.Of(a - b);
                case "*": return ExpressionValue.Of(a * b);
                case "/": return ExpressionValue.Of(a / b);
                case "%": return ExpressionValue.Of(a % b);
                case "<": return ExpressionValue.Of(a < b);
                case "<=": return ExpressionValue.Of(a <= b);
                case ">": return ExpressionValue.Of(a > b);
                case ">=": return ExpressionValue.Of(a >= b);
            }
        }
        else
        {
            long a = left.Number, b = right.Number;
            switch (binary.Operator)
            {
                case "+": return Checked(() => ExpressionValue.Of(checked(a + b)), binary);
                case "-": return Checked(() => ExpressionValue.Of(checked(a - b)), binary);
                case "*": return Checked(() => ExpressionValue.Of(checked(a * b)), binary);
                case "/":
                case "%":
                    if (b == 0)
                    {
                        throw new ExpressionException("division by zero", binary.Start, binary.Length);
                    }
                    // long.MinValue / -1 overflows in C# too.
                    return Checked(() => ExpressionValue.Of(binary.Operator == "/" ? checked(a / b) : a % b), binary);
                case "<": return ExpressionValue.Of(a < b);
                case "<=": return ExpressionValue.Of(a <= b);
                case ">": return ExpressionValue.Of(a > b);
                case ">=": return ExpressionValue.Of(a >= b);
            }
        }
        throw new ExpressionException($"unknown operator '{binary.Operator}'", binary.Start, binary.Length);
    }

    private static ExpressionValue Checked(Func<ExpressionValue> compute, Expression where)
    {
        try
        {
            return compute();
        }
        catch (OverflowException)
        {
            throw new ExpressionException("the value overflows a 64-bit integer", where.Start, where.Length);
        }
    }

    private static ExpressionValue Expect(ExpressionValue value, ExpressionType type, Expression where)
    {
        if (value.Type != type)
        {
            throw new ExpressionException($"expected {(type == ExpressionType.Bool ? "bool" : "int")} but '{Describe(where)}' is {value.TypeName}", where.Start, where.Length);
        }
        return value;
    }

    internal static void ExpectNumber(ExpressionValue value, Expression where)
    {
        if (value.IsBool || value.IsEnum)
        {
            throw new ExpressionException($"expected a number but '{Describe(where)}' is {value.TypeName}", where.Start, where.Length);
        }
    }

    private static string Describe(Expression e) => e is IdentifierExpression id ? id.Name : "the operand";
}

/// <summary>
/// The static type of an expression from the types of the names in it, by the evaluator's rules: what inference checks
/// for every expression, so that one that is never evaluated (a layer under a condition no use makes true) is still
/// known to have the type the generated C# needs. Names without a type (unknown ones, reported elsewhere) give null.
/// </summary>
internal static class ExpressionTyping
{
    public static ExpressionType? TypeOf(Expression expression, IReadOnlyDictionary<string, ExpressionType> names) => TypeOf(expression, names, null);

    /// <summary>The type with the scope's [Let] functions; an unknown function or a wrong argument count throws.</summary>
    public static ExpressionType? TypeOf(Expression expression, IReadOnlyDictionary<string, ExpressionType> names, IReadOnlyDictionary<string, FunctionDefinition>? functions)
    {
        switch (expression)
        {
            case LiteralExpression literal:
                return literal.Value.Type;
            case IdentifierExpression id:
                return names.TryGetValue(id.Name, out var type) ? type : null;
            case UnaryExpression unary:
            {
                var operand = TypeOf(unary.Operand, names, functions);
                if (unary.Operator == "!")
                {
                    Expect(operand, ExpressionType.Bool, unary.Operand);
                    return ExpressionType.Bool;
                }
                ExpectNumber(operand, unary.Operand);
                return operand;
            }
            case ConditionalExpression conditional:
            {
                Expect(TypeOf(conditional.Condition, names, functions), ExpressionType.Bool, conditional.Condition);
                var whenTrue = TypeOf(conditional.WhenTrue, names, functions);
                var whenFalse = TypeOf(conditional.WhenFalse, names, functions);
                if (whenTrue is null || whenFalse is null)
                {
                    return null;
                }
                if ((whenTrue == ExpressionType.Bool) != (whenFalse == ExpressionType.Bool) || (whenTrue == ExpressionType.Enum) != (whenFalse == ExpressionType.Enum))
                {
                    throw new ExpressionException($"both branches of ?: must have the same type, not {Name(whenTrue)} and {Name(whenFalse)}", conditional.Start, conditional.Length);
                }
                return whenTrue == ExpressionType.Double || whenFalse == ExpressionType.Double ? ExpressionType.Double : whenTrue;
            }
            case BinaryExpression binary:
            {
                var left = TypeOf(binary.Left, names, functions);
                var right = TypeOf(binary.Right, names, functions);
                switch (binary.Operator)
                {
                    case "&&":
                    case "||":
                        Expect(left, ExpressionType.Bool, binary.Left);
                        Expect(right, ExpressionType.Bool, binary.Right);
                        return ExpressionType.Bool;
                    case "==":
                    case "!=":
                        if (left is not null && right is not null && ((left == ExpressionType.Bool) != (right == ExpressionType.Bool) || (left == ExpressionType.Enum) != (right == ExpressionType.Enum)))
                        {
                            throw new ExpressionException($"cannot compare {Name(left)} with {Name(right)}", binary.Start, binary.Length);
                        }
                        return ExpressionType.Bool;
                    case "<":
                    case "<=":
                    case ">":
                    case ">=":
                        ExpectNumber(left, binary.Left);
                        ExpectNumber(right, binary.Right);
                        return ExpressionType.Bool;
                    default:
                        ExpectNumber(left, binary.Left);
                        ExpectNumber(right, binary.Right);
                        return left is null || right is null ? null : left == ExpressionType.Double || right == ExpressionType.Double ? ExpressionType.Double : ExpressionType.Int;
                }
            }
            case CallExpression call:
            {
                var arguments = call.Arguments.Select(a => TypeOf(a, names, functions)).ToList();
                if (functions is not null && functions.TryGetValue(call.Name, out var function))
                {
                    if (arguments.Count != function.Parameters.Count)
                    {
                        throw new ExpressionException($"{call.Name} takes {function.Parameters.Count} arguments, not {arguments.Count}", call.Start, call.Length);
                    }
                    var inner = new Dictionary<string, ExpressionType>();
                    foreach (var pair in names)
                    {
                        inner[pair.Key] = pair.Value;
                    }
                    for (var i = 0; i < arguments.Count; i++)
                    {
                        if (arguments[i] is { } argumentType)
                        {
                            inner[function.Parameters[i]] = argumentType;
                        }
                        else
                        {
                            inner.Remove(function.Parameters[i]);
                        }
                    }
                    return TypeOf(function.Body, inner, functions);
                }
                if (!BuiltInFunctions.Names.Contains(call.Name))
                {
                    var declared = functions is null || functions.Count == 0 ? string.Empty : ", and " + string.Join(", ", functions.Keys);
                    throw new ExpressionException($"unknown function '{call.Name}' (there are {string.Join(", ", BuiltInFunctions.Names)}{declared})", call.Start, call.Length);
                }
                if (arguments.Count != BuiltInFunctions.Arity(call.Name))
                {
                    throw new ExpressionException($"{call.Name} takes {BuiltInFunctions.Arity(call.Name)} argument{(BuiltInFunctions.Arity(call.Name) == 1 ? string.Empty : "s")}, not {arguments.Count}", call.Start, call.Length);
                }
                for (var i = 0; i < arguments.Count; i++)
                {
                    ExpectNumber(arguments[i], call.Arguments[i]);
                }
                if (call.Name is "min" or "max")
                {
                    return arguments.Any(a => a is null) ? null : arguments.Any(a => a == ExpressionType.Double) ? ExpressionType.Double : ExpressionType.Int;
                }
                return ExpressionType.Int;
            }
            default:
                return null;
        }
    }

    /// <summary>
    /// Evaluates every constant part (no names in it): the emitter writes each as one literal, so a constant part
    /// that cannot be computed ("1 / 0", an overflow) throws here even where inference never evaluates the whole.
    /// </summary>
    public static void CheckConstantParts(Expression expression)
    {
        if (!expression.Identifiers().Any() && !CallsDeclared(expression))
        {
            ExpressionEvaluator.Evaluate(expression, new Dictionary<string, ExpressionValue>());
            return;
        }
        switch (expression)
        {
            case UnaryExpression unary:
                CheckConstantParts(unary.Operand);
                break;
            case BinaryExpression binary:
                CheckConstantParts(binary.Left);
                CheckConstantParts(binary.Right);
                break;
            case ConditionalExpression conditional:
                CheckConstantParts(conditional.Condition);
                CheckConstantParts(conditional.WhenTrue);
                CheckConstantParts(conditional.WhenFalse);
                break;
            case CallExpression call:
                foreach (var argument in call.Arguments)
                {
                    CheckConstantParts(argument);
                }
                break;
        }
    }

    /// <summary>Whether a [Let] function is called anywhere in it: its value then depends on the scope.</summary>
    private static bool CallsDeclared(Expression expression) => expression switch
    {
        CallExpression call => !BuiltInFunctions.Names.Contains(call.Name) || call.Arguments.Any(CallsDeclared),
        UnaryExpression unary => CallsDeclared(unary.Operand),
        BinaryExpression binary => CallsDeclared(binary.Left) || CallsDeclared(binary.Right),
        ConditionalExpression conditional => CallsDeclared(conditional.Condition) || CallsDeclared(conditional.WhenTrue) || CallsDeclared(conditional.WhenFalse),
        _ => false,
    };

    public static string Name(ExpressionType? type) => type switch
    {
        ExpressionType.Bool => "bool",
        ExpressionType.Double => "double",
        ExpressionType.Enum => "an enum value",
        _ => "int",
    };

    private static void Expect(ExpressionType? type, ExpressionType wanted, Expression where)
    {
        if (type is not null && type != wanted)
        {
            throw new ExpressionException($"expected {Name(wanted)} but '{Describe(where)}' is {Name(type)}", where.Start, where.Length);
        }
    }

    private static void ExpectNumber(ExpressionType? type, Expression where)
    {
        if (type is ExpressionType.Bool or ExpressionType.Enum)
        {
            throw new ExpressionException($"expected a number but '{Describe(where)}' is {Name(type)}", where.Start, where.Length);
        }
    }

    private static string Describe(Expression e) => e is IdentifierExpression id ? id.Name : "the operand";
}

/// <summary>A name with no value: not a parameter at all (found by the static checks), or one this use leaves unset.</summary>
internal sealed class UnknownNameException : ExpressionException
{
    public UnknownNameException(string name, int start, int length)
        : base($"unknown name '{name}'", start, length)
    {
        Name = name;
    }

    public string Name { get; }
}

/// <summary>Recursive-descent parser for <see cref="Expression"/>.</summary>
internal sealed class ExpressionParser
{
    private static readonly string[][] BinaryLevels =
    {
        new[] { "||" },
        new[] { "&&" },
        new[] { "==", "!=" },
        new[] { "<=", ">=", "<", ">" },
        new[] { "+", "-" },
        new[] { "*", "/", "%" },
    };

    private readonly string text;
    private int position;

    private ExpressionParser(string text) => this.text = text;

    public static Expression Parse(string text)
    {
        var parser = new ExpressionParser(text);
        parser.SkipSpace();
        if (parser.position >= text.Length)
        {
            throw new ExpressionException("the expression is empty", 0, text.Length);
        }
        var result = parser.ParseConditional();
        parser.SkipSpace();
        if (parser.position < text.Length)
        {
            throw new ExpressionException($"unexpected '{text.Substring(parser.position)}'", parser.position, text.Length - parser.position);
        }
        return result;
    }

    private Expression ParseConditional()
    {
        var condition = ParseBinary(0);
        SkipSpace();
        if (!TryConsume("?"))
        {
            return condition;
        }
        var whenTrue = ParseConditional();
        SkipSpace();
        if (!TryConsume(":"))
        {
            throw Error("expected ':'");
        }
        var whenFalse = ParseConditional();
        return new ConditionalExpression(condition, whenTrue, whenFalse);
    }

    private Expression ParseBinary(int level)
    {
        if (level == BinaryLevels.Length)
        {
            return ParseUnary();
        }
        var left = ParseBinary(level + 1);
        while (true)
        {
            SkipSpace();
            string? matched = null;
            foreach (var op in BinaryLevels[level])
            {
                if (string.CompareOrdinal(text, position, op, 0, op.Length) == 0 && !IsLongerOperator(op))
                {
                    matched = op;
                    break;
                }
            }
            if (matched is null)
            {
                return left;
            }
            position += matched.Length;
            var right = ParseBinary(level + 1);
            left = new BinaryExpression(matched, left, right);
        }
    }

    // "<" must not match the start of "<=", "!" not the start of "!=".
    private bool IsLongerOperator(string op) =>
        (op == "<" || op == ">") && position + 1 < text.Length && text[position + 1] == '=';

    private Expression ParseUnary()
    {
        SkipSpace();
        var start = position;
        if (position < text.Length && (text[position] == '!' && !(position + 1 < text.Length && text[position + 1] == '=') || text[position] == '-'))
        {
            var op = text[position].ToString();
            position++;
            return new UnaryExpression(op, ParseUnary(), start);
        }
        return ParsePrimary();
    }

    private Expression ParsePrimary()
    {
        SkipSpace();
        if (position >= text.Length)
        {
            throw Error("unexpected end of expression");
        }
        var start = position;
        var c = text[position];
        if (c == '(')
        {
            position++;
            var inner = ParseConditional();
            SkipSpace();
            if (!TryConsume(")"))
            {
                throw Error("expected ')'");
            }
            return inner;
        }
        if (char.IsDigit(c))
        {
            while (position < text.Length && char.IsDigit(text[position]))
            {
                position++;
            }
            var isDouble = false;
            if (position + 1 < text.Length && text[position] == '.' && char.IsDigit(text[position + 1]))
            {
                isDouble = true;
                position++;
                while (position < text.Length && char.IsDigit(text[position]))
                {
                    position++;
                }
            }
            if (position < text.Length && (text[position] == 'e' || text[position] == 'E'))
            {
                var exponent = position + 1;
                if (exponent < text.Length && (text[exponent] == '+' || text[exponent] == '-'))
                {
                    exponent++;
                }
                if (exponent < text.Length && char.IsDigit(text[exponent]))
                {
                    isDouble = true;
                    position = exponent;
                    while (position < text.Length && char.IsDigit(text[position]))
                    {
                        position++;
                    }
                }
            }
            var digits = text.Substring(start, position - start);
            if (isDouble)
            {
                var real = double.Parse(digits, NumberStyles.Float, CultureInfo.InvariantCulture);
                if (double.IsInfinity(real))
                {
                    throw new ExpressionException($"'{digits}' is too large", start, digits.Length);
                }
                return new LiteralExpression(ExpressionValue.Of(real), start, digits.Length);
            }
            if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                throw new ExpressionException($"'{digits}' is too large", start, digits.Length);
            }
            return new LiteralExpression(ExpressionValue.Of(number), start, digits.Length);
        }
        if (char.IsLetter(c) || c == '_')
        {
            // A dotted name is an enum member (Activation.ReLU, or with its namespace).
            while (position < text.Length && (char.IsLetterOrDigit(text[position]) || text[position] == '_' ||
                text[position] == '.' && position + 1 < text.Length && (char.IsLetter(text[position + 1]) || text[position + 1] == '_')))
            {
                position++;
            }
            var name = text.Substring(start, position - start);
            switch (name)
            {
                case "true": return new LiteralExpression(ExpressionValue.Of(true), start, name.Length);
                case "false": return new LiteralExpression(ExpressionValue.Of(false), start, name.Length);
            }
            SkipSpace();
            if (position < text.Length && text[position] == '(')
            {
                position++;
                var arguments = new List<Expression>();
                SkipSpace();
                if (!TryConsume(")"))
                {
                    while (true)
                    {
                        arguments.Add(ParseConditional());
                        SkipSpace();
                        if (TryConsume(")"))
                        {
                            break;
                        }
                        if (!TryConsume(","))
                        {
                            throw Error("expected ',' or ')'");
                        }
                    }
                }
                return new CallExpression(name, arguments, start, position);
            }
            return new IdentifierExpression(name, start);
        }
        throw Error($"unexpected '{c}'");
    }

    private bool TryConsume(string token)
    {
        if (string.CompareOrdinal(text, position, token, 0, token.Length) == 0)
        {
            position += token.Length;
            return true;
        }
        return false;
    }

    private void SkipSpace()
    {
        while (position < text.Length && char.IsWhiteSpace(text[position]))
        {
            position++;
        }
    }

    private ExpressionException Error(string message) => new(message, position, 1);
}

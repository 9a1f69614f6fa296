using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace NetDsl.Tests.Fuzz;

internal enum FuzzType
{
    Int,
    Bool,
    Double,
    Enum,
}

/// <summary>An enum type the expressions may name: NetDsl's Activation or Padding, or one the source declares.</summary>
internal sealed class FuzzEnumType
{
    public FuzzEnumType(string name, IReadOnlyList<string> members, string? ns = null)
    {
        Name = name;
        Members = members;
        Namespace = ns;
    }

    public string Name { get; }

    public IReadOnlyList<string> Members { get; }

    /// <summary>A user enum's namespace (null: the global one); null too for NetDsl's, which <see cref="IsNetDsl"/> marks.</summary>
    public string? Namespace { get; }

    public bool IsNetDsl => Name is "Activation" or "Padding";

    public static readonly FuzzEnumType Activation = new("Activation",
        new[] { "None", "ReLU", "ReLU6", "Sigmoid", "Tanh", "Softmax", "LeakyReLU", "ELU", "GELU", "SiLU", "HardSigmoid", "HardSwish", "Mish" });

    public static readonly FuzzEnumType Padding = new("Padding", new[] { "Valid", "Same", "Half" });

    /// <summary>The type as C# source names it: NetDsl's with the program's qualifier, a user enum (a unique type name, its namespace imported) by its name.</summary>
    public string CSharpName(string q) => IsNetDsl ? q + Name : Name;

    public FuzzValue Value(string member) => FuzzValue.EnumMember(this, member);
}

/// <summary>
/// A value of the block expression language with C#'s semantics: an integer (<c>long</c>), a bool, or a double
/// (where an int meets a double, the int is converted, as C# does).
/// </summary>
internal readonly record struct FuzzValue(FuzzType Type, long Number, double Real)
{
    public static FuzzValue Int(long value) => new(FuzzType.Int, value, value);

    public static FuzzValue Bool(bool value) => new(FuzzType.Bool, value ? 1 : 0, 0);

    public static FuzzValue Double(double value) => new(FuzzType.Double, 0, value);

    public static FuzzValue EnumMember(FuzzEnumType type, string member) =>
        new(FuzzType.Enum, IndexOf(type, member), 0) { EnumType = type };

    private static long IndexOf(FuzzEnumType type, string member)
    {
        for (var i = 0; i < type.Members.Count; i++)
        {
            if (type.Members[i] == member)
            {
                return i;
            }
        }
        throw new FuzzEvaluationException(member + " is no member of " + type.Name);
    }

    /// <summary>The enum type of an enum value (null otherwise).</summary>
    public FuzzEnumType? EnumType { get; init; }

    public bool IsEnum => Type == FuzzType.Enum;

    public string Member => EnumType!.Members[(int)Number];

    public bool IsBool => Type == FuzzType.Bool;

    public bool IsInt => Type == FuzzType.Int;

    public bool IsDouble => Type == FuzzType.Double;

    public bool AsBool => Number != 0;

    /// <summary>As C# source and as an expression-language literal (round-trip digits for a double).</summary>
    public string Literal => Type switch
    {
        FuzzType.Bool => AsBool ? "true" : "false",
        FuzzType.Double => DoubleText(Real),
        FuzzType.Enum => EnumType!.Name + "." + Member,
        _ => Number.ToString(CultureInfo.InvariantCulture),
    };

    public static string DoubleText(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains('.', StringComparison.Ordinal) || text.Contains('E', StringComparison.Ordinal) ? text : text + ".0";
    }

    /// <summary>The value a parameter of <paramref name="type"/> holds when given this value (an int converts to double).</summary>
    public FuzzValue As(FuzzType type) => type == FuzzType.Double && IsInt ? Double(Number) : this;
}

/// <summary>The fuzzer built an expression it cannot evaluate: a bug in the fuzzer, never in NetDsl.</summary>
internal sealed class FuzzEvaluationException : Exception
{
    public FuzzEvaluationException(string message)
        : base(message)
    {
    }
}

/// <summary>
/// An expression kept as a tree, so the fuzzer knows the value of the text it prints without parsing it back
/// (and without borrowing NetDsl's own parser, which is what is under test).
/// </summary>
internal abstract class FuzzExpr
{
    public virtual bool IsAtom => false;

    public abstract FuzzValue Evaluate(IReadOnlyDictionary<string, FuzzValue> variables);

    public abstract void Write(StringBuilder output, bool compact);

    public string Render(bool compact = false)
    {
        var output = new StringBuilder();
        Write(output, compact);
        return output.ToString();
    }

    protected static void WriteOperand(FuzzExpr operand, StringBuilder output, bool compact)
    {
        if (operand.IsAtom)
        {
            operand.Write(output, compact);
            return;
        }
        output.Append('(');
        operand.Write(output, compact);
        output.Append(')');
    }
}

internal sealed class FuzzLiteral : FuzzExpr
{
    public FuzzLiteral(long value) => Value = value;

    public long Value { get; }

    public override bool IsAtom => true;

    public override FuzzValue Evaluate(IReadOnlyDictionary<string, FuzzValue> variables) => FuzzValue.Int(Value);

    public override void Write(StringBuilder output, bool compact) => output.Append(Value.ToString(CultureInfo.InvariantCulture));
}

/// <summary>A double literal as written (0.25, 1e-3, 2.5E-2) and as C# reads it.</summary>
internal sealed class FuzzDoubleLiteral : FuzzExpr
{
    public FuzzDoubleLiteral(string text)
    {
        Text = text;
        Value = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    public string Text { get; }

    public double Value { get; }

    public override bool IsAtom => true;

    public override FuzzValue Evaluate(IReadOnlyDictionary<string, FuzzValue> variables) => FuzzValue.Double(Value);

    public override void Write(StringBuilder output, bool compact) => output.Append(Text);
}

internal sealed class FuzzBoolLiteral : FuzzExpr
{
    public FuzzBoolLiteral(bool value) => Value = value;

    public bool Value { get; }

    public override bool IsAtom => true;

    public override FuzzValue Evaluate(IReadOnlyDictionary<string, FuzzValue> variables) => FuzzValue.Bool(Value);

    public override void Write(StringBuilder output, bool compact) => output.Append(Value ? "true" : "false");
}

/// <summary>An enum member written with its type's name (Activation.ReLU, Mode.Deep).</summary>
internal sealed class FuzzEnumLiteral : FuzzExpr
{
    public FuzzEnumLiteral(FuzzValue value) => Value = value;

    public FuzzValue Value { get; }

    public override bool IsAtom => true;

    public override FuzzValue Evaluate(IReadOnlyDictionary<string, FuzzValue> variables) => Value;

    public override void Write(StringBuilder output, bool compact) => output.Append(Value.Literal);
}

internal sealed class FuzzName : FuzzExpr
{
    public FuzzName(string name) => Name = name;

    public string Name { get; }

    public override bool IsAtom => true;

    public override FuzzValue Evaluate(IReadOnlyDictionary<string, FuzzValue> variables) =>
        variables.TryGetValue(Name, out var value) ? value : throw new FuzzEvaluationException("unbound name " + Name);

    public override void Write(StringBuilder output, bool compact) => output.Append(Name);
}

/// <summary>'!' or unary '-'.</summary>
internal sealed class FuzzUnary : FuzzExpr
{
    public FuzzUnary(char op, FuzzExpr operand)
    {
        Operator = op;
        Operand = operand;
    }

    public char Operator { get; }

    public FuzzExpr Operand { get; }

    public override FuzzValue Evaluate(IReadOnlyDictionary<string, FuzzValue> variables)
    {
        var value = Operand.Evaluate(variables);
        if (value.IsEnum)
        {
            throw new FuzzEvaluationException(Operator + " on an enum");
        }
        if (Operator == '!')
        {
            return value.IsBool ? FuzzValue.Bool(!value.AsBool) : throw new FuzzEvaluationException("! on an int");
        }
        if (value.IsBool)
        {
            throw new FuzzEvaluationException("- on a bool");
        }
        return value.IsDouble ? FuzzValue.Double(-value.Real) : FuzzValue.Int(unchecked(-value.Number));
    }

    public override void Write(StringBuilder output, bool compact)
    {
        output.Append(Operator);
        WriteOperand(Operand, output, compact);
    }
}

internal sealed class FuzzBinary : FuzzExpr
{
    public FuzzBinary(string op, FuzzExpr left, FuzzExpr right)
    {
        Operator = op;
        Left = left;
        Right = right;
    }

    public string Operator { get; }

    public FuzzExpr Left { get; }

    public FuzzExpr Right { get; }

    public override FuzzValue Evaluate(IReadOnlyDictionary<string, FuzzValue> variables)
    {
        var a = Left.Evaluate(variables);
        var b = Right.Evaluate(variables);
        if (a.IsEnum || b.IsEnum)
        {
            // Enums compare with == and != within one type; nothing else applies to them.
            if (Operator is not ("==" or "!=") || !a.IsEnum || !b.IsEnum || a.EnumType != b.EnumType)
            {
                throw new FuzzEvaluationException(Operator + " on an enum");
            }
            return FuzzValue.Bool((a.Number == b.Number) == (Operator == "=="));
        }
        switch (Operator)
        {
            case "&&":
            case "||":
                if (!a.IsBool || !b.IsBool)
                {
                    throw new FuzzEvaluationException(Operator + " on ints");
                }
                return FuzzValue.Bool(Operator == "&&" ? a.AsBool && b.AsBool : a.AsBool || b.AsBool);
            case "==":
            case "!=":
                if (a.IsBool != b.IsBool)
                {
                    throw new FuzzEvaluationException("comparison of a number with a bool");
                }
                var equal = a.IsDouble || b.IsDouble ? a.Real == b.Real : a.Number == b.Number;
                return FuzzValue.Bool(equal == (Operator == "=="));
        }
        if (a.IsBool || b.IsBool)
        {
            throw new FuzzEvaluationException(Operator + " on a bool");
        }
        if (a.IsDouble || b.IsDouble)
        {
            var (p, q) = (a.Real, b.Real);
            return Operator switch
            {
                "+" => FuzzValue.Double(p + q),
                "-" => FuzzValue.Double(p - q),
                "*" => FuzzValue.Double(p * q),
                // Not an error in C#, but the fuzzer never wants an infinite or NaN value.
                "/" => q == 0 ? throw new FuzzEvaluationException("double division by zero") : FuzzValue.Double(p / q),
                "%" => q == 0 ? throw new FuzzEvaluationException("double division by zero") : FuzzValue.Double(p % q),
                "<" => FuzzValue.Bool(p < q),
                "<=" => FuzzValue.Bool(p <= q),
                ">" => FuzzValue.Bool(p > q),
                ">=" => FuzzValue.Bool(p >= q),
                _ => throw new FuzzEvaluationException("operator " + Operator),
            };
        }
        var x = a.Number;
        var y = b.Number;
        return Operator switch
        {
            "+" => FuzzValue.Int(unchecked(x + y)),
            "-" => FuzzValue.Int(unchecked(x - y)),
            "*" => FuzzValue.Int(unchecked(x * y)),
            "/" => y == 0 ? throw new FuzzEvaluationException("division by zero") : FuzzValue.Int(x / y),
            "%" => y == 0 ? throw new FuzzEvaluationException("division by zero") : FuzzValue.Int(x % y),
            "<" => FuzzValue.Bool(x < y),
            "<=" => FuzzValue.Bool(x <= y),
            ">" => FuzzValue.Bool(x > y),
            ">=" => FuzzValue.Bool(x >= y),
            _ => throw new FuzzEvaluationException("operator " + Operator),
        };
    }

    public override void Write(StringBuilder output, bool compact)
    {
        WriteOperand(Left, output, compact);
        output.Append(compact ? Operator : " " + Operator + " ");
        WriteOperand(Right, output, compact);
    }
}

/// <summary>A [Let] value read by name: written as the name, worth what its body is worth where it is read.</summary>
internal sealed class FuzzLetRef : FuzzExpr
{
    public FuzzLetRef(FuzzLet let) => Let = let;

    public FuzzLet Let { get; }

    public override bool IsAtom => true;

    public override FuzzValue Evaluate(IReadOnlyDictionary<string, FuzzValue> variables) => Let.Body.Evaluate(variables);

    public override void Write(StringBuilder output, bool compact) => output.Append(Let.Name);
}

/// <summary>
/// A call: a built-in function (min, max of two numbers, an int if both are; floor, ceil, round to even and int
/// toward zero, each an int) or a [Let] function, whose body is evaluated with its parameters bound to the arguments.
/// </summary>
internal sealed class FuzzCall : FuzzExpr
{
    public FuzzCall(string name, FuzzLet? function, params FuzzExpr[] arguments)
    {
        Name = name;
        Function = function;
        Arguments = arguments;
    }

    public string Name { get; }

    public FuzzLet? Function { get; }

    public IReadOnlyList<FuzzExpr> Arguments { get; }

    public override bool IsAtom => true;

    public override FuzzValue Evaluate(IReadOnlyDictionary<string, FuzzValue> variables)
    {
        var values = Arguments.Select(a => a.Evaluate(variables)).ToList();
        if (Function is { } function)
        {
            var inner = new Dictionary<string, FuzzValue>(variables, StringComparer.Ordinal);
            for (var i = 0; i < function.Parameters.Count; i++)
            {
                inner[function.Parameters[i]] = values[i];
            }
            return function.Body.Evaluate(inner);
        }
        if (values.Any(v => v.IsBool))
        {
            throw new FuzzEvaluationException(Name + " of a bool");
        }
        if (Name is "min" or "max")
        {
            var (a, b) = (values[0], values[1]);
            return a.IsInt && b.IsInt
                ? FuzzValue.Int(Name == "min" ? Math.Min(a.Number, b.Number) : Math.Max(a.Number, b.Number))
                : FuzzValue.Double(Name == "min" ? Math.Min(a.Real, b.Real) : Math.Max(a.Real, b.Real));
        }
        var x = values[0];
        if (x.IsInt)
        {
            return x;
        }
        return FuzzValue.Int((long)(Name switch
        {
            "floor" => Math.Floor(x.Real),
            "ceil" => Math.Ceiling(x.Real),
            "round" => Math.Round(x.Real, MidpointRounding.ToEven),
            "int" => Math.Truncate(x.Real),
            _ => throw new FuzzEvaluationException("function " + Name),
        }));
    }

    public override void Write(StringBuilder output, bool compact)
    {
        output.Append(Name).Append('(');
        for (var i = 0; i < Arguments.Count; i++)
        {
            if (i > 0)
            {
                output.Append(compact ? "," : ", ");
            }
            Arguments[i].Write(output, compact);
        }
        output.Append(')');
    }
}

internal sealed class FuzzConditional : FuzzExpr
{
    public FuzzConditional(FuzzExpr condition, FuzzExpr whenTrue, FuzzExpr whenFalse)
    {
        Condition = condition;
        WhenTrue = whenTrue;
        WhenFalse = whenFalse;
    }

    public FuzzExpr Condition { get; }

    public FuzzExpr WhenTrue { get; }

    public FuzzExpr WhenFalse { get; }

    public override FuzzValue Evaluate(IReadOnlyDictionary<string, FuzzValue> variables)
    {
        var condition = Condition.Evaluate(variables);
        var a = WhenTrue.Evaluate(variables);
        var b = WhenFalse.Evaluate(variables);
        if (!condition.IsBool || a.IsBool != b.IsBool || a.IsEnum != b.IsEnum || a.EnumType != b.EnumType)
        {
            throw new FuzzEvaluationException("ill-typed ?:");
        }
        var chosen = condition.AsBool ? a : b;
        // C# types (c ? 1 : 2.5) as double, whichever branch is taken.
        return a.IsDouble != b.IsDouble ? FuzzValue.Double(chosen.Real) : chosen;
    }

    public override void Write(StringBuilder output, bool compact)
    {
        WriteOperand(Condition, output, compact);
        output.Append(compact ? "?" : " ? ");
        WriteOperand(WhenTrue, output, compact);
        output.Append(compact ? ":" : " : ");
        WriteOperand(WhenFalse, output, compact);
    }
}

/// <summary>Random well-typed expressions over the variables of one block scope.</summary>
internal sealed class FuzzExprFactory
{
    /// <summary>Double literals in every form the expression language reads.</summary>
    public static readonly string[] DoubleLiterals = { "0.25", "0.5", "0.1", "1e-3", "2.5E-2", "0.75", "1.5", "2.0", "3e-1", "0.125", "1E+0", "4.0" };

    private readonly Random rng;
    private readonly IReadOnlyDictionary<string, FuzzValue> variables;
    private readonly string[] ints;
    private readonly string[] bools;
    private readonly string[] doubles;

    public FuzzExprFactory(Random rng, IReadOnlyDictionary<string, FuzzValue> variables)
    {
        this.rng = rng;
        this.variables = variables;
        // A flat input has no height or width (both 0): expressions over them would only produce invalid sizes.
        var flat = variables.TryGetValue("inputHeight", out var h) && h.Number == 0;
        ints = Names(v => v.Value.IsInt && !(flat && v.Key is "inputHeight" or "inputWidth"));
        bools = Names(v => v.Value.IsBool);
        doubles = Names(v => v.Value.IsDouble);
        enums = Names(v => v.Value.IsEnum);
    }

    private readonly string[] enums;

    /// <summary>An enum parameter compared with a member of its type (mostly the one it holds, so both values occur).</summary>
    private FuzzExpr? EnumComparison()
    {
        if (enums.Length == 0)
        {
            return null;
        }
        var name = enums[rng.Next(enums.Length)];
        var value = variables[name];
        var members = value.EnumType!.Members;
        var member = rng.Next(2) == 0 ? value.Member : members[rng.Next(members.Count)];
        return new FuzzBinary(rng.Next(3) == 0 ? "!=" : "==", new FuzzName(name), new FuzzEnumLiteral(value.EnumType.Value(member)));
    }

    /// <summary>
    /// An expression of enum <paramref name="type"/> worth <paramref name="member"/>: a parameter holding it, the
    /// member itself, or a ?: between members; null where none was found.
    /// </summary>
    public FuzzExpr? EnumOf(FuzzEnumType type, string member, int tries = 12)
    {
        var holding = enums.Where(n => variables[n].EnumType == type && variables[n].Member == member).ToList();
        for (var i = 0; i < tries; i++)
        {
            FuzzExpr candidate = rng.Next(4) switch
            {
                0 or 1 when holding.Count > 0 => new FuzzName(holding[rng.Next(holding.Count)]),
                2 => new FuzzConditional(Bool(1), new FuzzEnumLiteral(type.Value(type.Members[rng.Next(type.Members.Count)])),
                    new FuzzEnumLiteral(type.Value(type.Members[rng.Next(type.Members.Count)]))),
                _ => new FuzzEnumLiteral(type.Value(member)),
            };
            if (TryEvaluate(candidate) is { IsEnum: true } value && value.EnumType == type && value.Member == member)
            {
                return candidate;
            }
        }
        return null;
    }

    private string[] Names(Func<KeyValuePair<string, FuzzValue>, bool> filter) =>
        variables.Where(filter).Select(v => v.Key).OrderBy(n => n, StringComparer.Ordinal).ToArray();

    public bool HasDoubles => doubles.Length > 0;

    private FuzzExpr SmallInt(int lo, int hi) => new FuzzLiteral(rng.Next(lo, hi));

    public FuzzExpr Int(int depth)
    {
        var choice = rng.Next(depth <= 0 ? 2 : 7);
        switch (choice)
        {
            case 0:
                return ints.Length > 0 ? new FuzzName(ints[rng.Next(ints.Length)]) : SmallInt(1, 9);
            case 1:
                return SmallInt(1, 9);
            case 2:
            case 3:
                return new FuzzBinary(new[] { "+", "-", "*" }[rng.Next(3)], Int(depth - 1), rng.Next(2) == 0 ? SmallInt(1, 5) : Int(depth - 1));
            case 4:
                return new FuzzBinary(rng.Next(2) == 0 ? "/" : "%", Int(depth - 1), SmallInt(1, 5));
            case 5:
                return new FuzzConditional(Bool(depth - 1), Int(depth - 1), Int(depth - 1));
            default:
                return new FuzzBinary("+", new FuzzUnary('-', Int(depth - 1)), SmallInt(8, 20));
        }
    }

    /// <summary>
    /// A double-typed expression: double parameters and literals, ints meeting doubles (int op double is double),
    /// integer division before a double (7 / 2 * 0.5 is 1.5), and ?: with an int and a double branch.
    /// </summary>
    public FuzzExpr Double(int depth)
    {
        var choice = rng.Next(depth <= 0 ? 2 : 8);
        switch (choice)
        {
            case 0:
                return doubles.Length > 0 && rng.Next(3) != 0 ? new FuzzName(doubles[rng.Next(doubles.Length)]) : DoubleLiteral();
            case 1:
                return DoubleLiteral();
            case 2:
            case 3:
                return new FuzzBinary(new[] { "+", "-", "*" }[rng.Next(3)], Double(depth - 1), rng.Next(2) == 0 ? Int(depth - 1) : Double(depth - 1));
            case 4:
                return new FuzzBinary("/", rng.Next(2) == 0 ? Int(depth - 1) : Double(depth - 1), rng.Next(2) == 0 ? DoubleLiteral() : SmallInt(1, 9));
            case 5:
                return rng.Next(2) == 0
                    ? new FuzzConditional(Bool(depth - 1), Int(depth - 1), Double(depth - 1))
                    : new FuzzConditional(Bool(depth - 1), Double(depth - 1), Int(depth - 1));
            case 6:
                return new FuzzBinary("*", Int(depth - 1), Double(depth - 1));
            default:
                return new FuzzBinary("-", DoubleLiteral(), new FuzzBinary("/", Double(depth - 1), SmallInt(2, 9)));
        }
    }

    private FuzzExpr DoubleLiteral() => new FuzzDoubleLiteral(DoubleLiterals[rng.Next(DoubleLiterals.Length)]);

    public FuzzExpr Bool(int depth)
    {
        var choice = rng.Next(depth <= 0 ? 3 : 7);
        switch (choice)
        {
            case 0:
            case 1:
                return bools.Length > 0 ? new FuzzName(bools[rng.Next(bools.Length)]) : Comparison(0);
            case 2:
                return enums.Length > 0 && rng.Next(2) == 0 ? EnumComparison()! : Comparison(0);
            case 3:
                return new FuzzUnary('!', Bool(depth - 1));
            case 4:
                return new FuzzBinary(rng.Next(2) == 0 ? "&&" : "||", Bool(depth - 1), Bool(depth - 1));
            case 5:
                return Comparison(depth - 1);
            default:
                if (enums.Length > 0 && rng.Next(2) == 0)
                {
                    return EnumComparison()!;
                }
                return bools.Length > 1 ? new FuzzBinary(rng.Next(2) == 0 ? "==" : "!=", new FuzzName(bools[0]), new FuzzName(bools[1])) : new FuzzBoolLiteral(rng.Next(2) == 0);
        }
    }

    /// <summary>An int compared with an int, or (where doubles are around, and sometimes anyway) a number with a double.</summary>
    private FuzzExpr Comparison(int depth)
    {
        var op = new[] { "<", "<=", ">", ">=", "==", "!=" }[rng.Next(6)];
        if (doubles.Length > 0 ? rng.Next(2) == 0 : rng.Next(8) == 0)
        {
            var left = rng.Next(3) == 0 ? Int(depth) : Double(depth);
            return new FuzzBinary(op, left, rng.Next(2) == 0 ? DoubleLiteral() : SmallInt(0, 4));
        }
        return new FuzzBinary(op, Int(depth), SmallInt(0, 17));
    }

    /// <summary>An int expression whose value lies in [lo, hi], or null when none was found quickly.</summary>
    public FuzzExpr? IntIn(long lo, long hi, int tries = 24)
    {
        for (var i = 0; i < tries; i++)
        {
            var candidate = Int(rng.Next(0, 3));
            var value = candidate.Evaluate(variables);
            if (value.Number >= lo && value.Number <= hi)
            {
                return candidate;
            }
        }
        return null;
    }

    /// <summary>
    /// A number expression (mostly double-typed, sometimes int-typed) whose value lies in [lo, hi), or null.
    /// Candidates the fuzzer cannot evaluate (a double division by zero) are skipped.
    /// </summary>
    public FuzzExpr? NumberIn(double lo, double hi, int tries = 24)
    {
        for (var i = 0; i < tries; i++)
        {
            var candidate = rng.Next(5) == 0 ? Int(rng.Next(0, 3)) : Double(rng.Next(0, 3));
            try
            {
                var value = candidate.Evaluate(variables);
                if (!value.IsBool && double.IsFinite(value.Real) && value.Real >= lo && value.Real < hi && !(value.Real == 0 && double.IsNegative(value.Real)))
                {
                    return candidate;
                }
            }
            catch (FuzzEvaluationException)
            {
            }
        }
        return null;
    }

    /// <summary>A bool expression with the given value, or null.</summary>
    public FuzzExpr? BoolOf(bool wanted, int tries = 24)
    {
        for (var i = 0; i < tries; i++)
        {
            var candidate = Bool(rng.Next(0, 3));
            if (TryEvaluate(candidate) is { } value && value.AsBool == wanted)
            {
                return candidate;
            }
        }
        return null;
    }

    private FuzzValue? TryEvaluate(FuzzExpr expression)
    {
        try
        {
            return expression.Evaluate(variables);
        }
        catch (FuzzEvaluationException)
        {
            return null;
        }
    }

    /// <summary>A simple condition for When: a bool parameter, its negation, or a comparison (that the fuzzer can evaluate).</summary>
    public FuzzExpr Condition()
    {
        if (enums.Length > 0 && rng.Next(2) == 0)
        {
            return EnumComparison()!;
        }
        if (bools.Length > 0 && rng.Next(3) != 0)
        {
            return new FuzzName(bools[rng.Next(bools.Length)]);
        }
        for (var i = 0; i < 8; i++)
        {
            var candidate = Bool(rng.Next(0, 2));
            if (TryEvaluate(candidate) is not null)
            {
                return candidate;
            }
        }
        return new FuzzBoolLiteral(rng.Next(2) == 0);
    }
}

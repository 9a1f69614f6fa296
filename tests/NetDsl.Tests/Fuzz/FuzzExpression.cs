using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace NetDsl.Tests.Fuzz;

/// <summary>A value of the block expression language: an integer with C# <c>long</c> semantics, or a bool.</summary>
internal readonly record struct FuzzValue(bool IsBool, long Number)
{
    public static FuzzValue Int(long value) => new(false, value);

    public static FuzzValue Bool(bool value) => new(true, value ? 1 : 0);

    public bool AsBool => Number != 0;

    public string Literal => IsBool ? (AsBool ? "true" : "false") : Number.ToString(CultureInfo.InvariantCulture);
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

internal sealed class FuzzBoolLiteral : FuzzExpr
{
    public FuzzBoolLiteral(bool value) => Value = value;

    public bool Value { get; }

    public override bool IsAtom => true;

    public override FuzzValue Evaluate(IReadOnlyDictionary<string, FuzzValue> variables) => FuzzValue.Bool(Value);

    public override void Write(StringBuilder output, bool compact) => output.Append(Value ? "true" : "false");
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
        if (Operator == '!')
        {
            return value.IsBool ? FuzzValue.Bool(!value.AsBool) : throw new FuzzEvaluationException("! on an int");
        }
        return value.IsBool ? throw new FuzzEvaluationException("- on a bool") : FuzzValue.Int(unchecked(-value.Number));
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
                    throw new FuzzEvaluationException("comparison of int with bool");
                }
                return FuzzValue.Bool((a.Number == b.Number) == (Operator == "=="));
        }
        if (a.IsBool || b.IsBool)
        {
            throw new FuzzEvaluationException(Operator + " on a bool");
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
        if (!condition.IsBool || a.IsBool != b.IsBool)
        {
            throw new FuzzEvaluationException("ill-typed ?:");
        }
        return condition.AsBool ? a : b;
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
    private readonly Random rng;
    private readonly IReadOnlyDictionary<string, FuzzValue> variables;
    private readonly string[] ints;
    private readonly string[] bools;

    public FuzzExprFactory(Random rng, IReadOnlyDictionary<string, FuzzValue> variables)
    {
        this.rng = rng;
        this.variables = variables;
        // A flat input has no height or width (both 0): expressions over them would only produce invalid sizes.
        var flat = variables.TryGetValue("inputHeight", out var h) && h.Number == 0;
        ints = variables.Where(v => !v.Value.IsBool && !(flat && v.Key is "inputHeight" or "inputWidth")).Select(v => v.Key).OrderBy(n => n, StringComparer.Ordinal).ToArray();
        bools = variables.Where(v => v.Value.IsBool).Select(v => v.Key).OrderBy(n => n, StringComparer.Ordinal).ToArray();
    }

    public FuzzExpr Int(int depth)
    {
        var choice = rng.Next(depth <= 0 ? 2 : 7);
        switch (choice)
        {
            case 0:
                return ints.Length > 0 ? new FuzzName(ints[rng.Next(ints.Length)]) : new FuzzLiteral(rng.Next(1, 9));
            case 1:
                return new FuzzLiteral(rng.Next(1, 9));
            case 2:
            case 3:
                return new FuzzBinary(new[] { "+", "-", "*" }[rng.Next(3)], Int(depth - 1), rng.Next(2) == 0 ? new FuzzLiteral(rng.Next(1, 5)) : Int(depth - 1));
            case 4:
                return new FuzzBinary(rng.Next(2) == 0 ? "/" : "%", Int(depth - 1), new FuzzLiteral(rng.Next(1, 5)));
            case 5:
                return new FuzzConditional(Bool(depth - 1), Int(depth - 1), Int(depth - 1));
            default:
                return new FuzzBinary("+", new FuzzUnary('-', Int(depth - 1)), new FuzzLiteral(rng.Next(8, 20)));
        }
    }

    public FuzzExpr Bool(int depth)
    {
        var choice = rng.Next(depth <= 0 ? 3 : 7);
        switch (choice)
        {
            case 0:
            case 1:
                return bools.Length > 0 ? new FuzzName(bools[rng.Next(bools.Length)]) : Comparison(0);
            case 2:
                return Comparison(0);
            case 3:
                return new FuzzUnary('!', Bool(depth - 1));
            case 4:
                return new FuzzBinary(rng.Next(2) == 0 ? "&&" : "||", Bool(depth - 1), Bool(depth - 1));
            case 5:
                return Comparison(depth - 1);
            default:
                return bools.Length > 1 ? new FuzzBinary(rng.Next(2) == 0 ? "==" : "!=", new FuzzName(bools[0]), new FuzzName(bools[1])) : new FuzzBoolLiteral(rng.Next(2) == 0);
        }
    }

    private FuzzExpr Comparison(int depth) =>
        new FuzzBinary(new[] { "<", "<=", ">", ">=", "==", "!=" }[rng.Next(6)], Int(depth), new FuzzLiteral(rng.Next(0, 17)));

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

    /// <summary>A bool expression with the given value, or null.</summary>
    public FuzzExpr? BoolOf(bool wanted, int tries = 24)
    {
        for (var i = 0; i < tries; i++)
        {
            var candidate = Bool(rng.Next(0, 3));
            if (candidate.Evaluate(variables).AsBool == wanted)
            {
                return candidate;
            }
        }
        return null;
    }

    /// <summary>A simple condition for When: a bool parameter, its negation, or a comparison.</summary>
    public FuzzExpr Condition() =>
        bools.Length > 0 && rng.Next(3) != 0 ? new FuzzName(bools[rng.Next(bools.Length)]) : Bool(rng.Next(0, 2));
}

using System;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;

namespace NetDsl.Tests;

/// <summary>
/// Compares text with a committed <c>_snapshots/NAME.verified.cs</c>. On a mismatch it writes NAME.received.cs beside it
/// and fails with the differing lines. Set NETDSL_ACCEPT_SNAPSHOTS=1 to accept the received text as the new snapshot.
/// </summary>
internal static class Snapshot
{
    public static void Match(string name, string actual, [CallerFilePath] string here = "")
    {
        var folder = Path.Combine(Path.GetDirectoryName(here)!, "_snapshots");
        var verified = Path.Combine(folder, name + ".verified.cs");
        var received = Path.Combine(folder, name + ".received.cs");
        actual = actual.Replace("\r\n", "\n");
        if (Environment.GetEnvironmentVariable("NETDSL_ACCEPT_SNAPSHOTS") == "1")
        {
            Directory.CreateDirectory(folder);
            File.WriteAllText(verified, actual);
            File.Delete(received);
            return;
        }
        if (!File.Exists(verified))
        {
            File.WriteAllText(received, actual);
            throw new SnapshotMismatchException($"No snapshot {name}.verified.cs yet; review {received} and run with NETDSL_ACCEPT_SNAPSHOTS=1 to accept it.");
        }
        var expected = File.ReadAllText(verified).Replace("\r\n", "\n");
        if (expected == actual)
        {
            File.Delete(received);
            return;
        }
        File.WriteAllText(received, actual);
        throw new SnapshotMismatchException($"{name} differs from its snapshot (NETDSL_ACCEPT_SNAPSHOTS=1 accepts the new text):\n" + Diff(expected, actual));
    }

    /// <summary>The first differing region, with two lines of context, as '-' expected / '+' actual lines.</summary>
    internal static string Diff(string expected, string actual)
    {
        var a = expected.Split('\n');
        var b = actual.Split('\n');
        var start = 0;
        while (start < a.Length && start < b.Length && a[start] == b[start])
        {
            start++;
        }
        var endA = a.Length - 1;
        var endB = b.Length - 1;
        while (endA >= start && endB >= start && a[endA] == b[endB])
        {
            endA--;
            endB--;
        }
        var output = new StringBuilder();
        for (var i = Math.Max(0, start - 2); i < start; i++)
        {
            output.Append("  ").Append(i + 1).Append(": ").AppendLine(a[i]);
        }
        foreach (var line in a.Skip(start).Take(Math.Min(endA - start + 1, 20)))
        {
            output.Append("- ").AppendLine(line);
        }
        foreach (var line in b.Skip(start).Take(Math.Min(endB - start + 1, 20)))
        {
            output.Append("+ ").AppendLine(line);
        }
        return output.ToString();
    }
}

internal sealed class SnapshotMismatchException : Exception
{
    public SnapshotMismatchException(string message)
        : base(message)
    {
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;

namespace NetDsl.Generators.Emit;

/// <summary>
/// The names one generated class (or one method) uses. Everything the emitter invents is allocated here, so it can
/// never collide with a name the user wrote, a member of TorchSharp's Module, or another invented name: the preferred
/// name when it is free, else the preferred name with _2, _3, …
/// </summary>
internal sealed class NameAllocator
{
    private readonly HashSet<string> used;

    public NameAllocator(IEnumerable<string> reserved) => used = new HashSet<string>(reserved, StringComparer.Ordinal);

    public void Reserve(string name) => used.Add(name);

    public string Allocate(string preferred)
    {
        var name = preferred;
        for (var n = 2; !used.Add(name); n++)
        {
            name = preferred + "_" + n.ToString(CultureInfo.InvariantCulture);
        }
        return name;
    }
}

// Makes TorchSharp 0.107.0's libLibTorchSharp.so load on systems whose libstdc++ predates GCC 13 (e.g. Debian 12).
// The library lists GLIBCXX_3.4.32 among its needed versions only for std::ios_base_library_init(), a symbol it never
// calls (it has no relocation). Marking that version requirement weak (VER_FLG_WEAK in .gnu.version_r) lets the
// loader accept the library. Only the copy in the build output is changed, only on Linux, and only when the system
// libstdc++ lacks the version.
using System;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class NetDslPatchLibTorchSharp : Task
{
    public const string MissingVersion = "GLIBCXX_3.4.32";

    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlagWeak = 0x2;

    private static readonly string[] LibStdCxxDirectories =
    {
        "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
        "/lib64", "/usr/lib64", "/lib", "/usr/lib", "/usr/local/lib64", "/usr/local/lib",
    };

    /// <summary>Folders to search (recursively) for libLibTorchSharp.so.</summary>
    [Required]
    public ITaskItem[] Directories { get; set; } = Array.Empty<ITaskItem>();

    public override bool Execute()
    {
        if (!OperatingSystemIsLinux())
        {
            return true;
        }
        if (SystemLibStdCxxHas(MissingVersion))
        {
            Log.LogMessage(MessageImportance.Low, "NetDsl: system libstdc++ provides {0}; libLibTorchSharp.so left as shipped.", MissingVersion);
            return true;
        }
        foreach (var folder in Directories.Select(d => d.ItemSpec).Where(Directory.Exists).Distinct())
        {
            foreach (var file in Directory.EnumerateFiles(folder, "libLibTorchSharp.so", SearchOption.AllDirectories))
            {
                try
                {
                    var result = WeakenVersionNeed(file, MissingVersion);
                    Log.LogMessage(MessageImportance.Normal, "NetDsl: {0}: {1}", file, result);
                }
                catch (Exception e) when (e is IOException || e is InvalidDataException || e is UnauthorizedAccessException)
                {
                    Log.LogWarning("NetDsl: could not patch {0} for this system's libstdc++: {1}", file, e.Message);
                }
            }
        }
        return !Log.HasLoggedErrors;
    }

    private static bool OperatingSystemIsLinux() =>
        System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Linux);

    /// <summary>True when a libstdc++.so.6 in the usual system folders defines <paramref name="version"/>.</summary>
    public static bool SystemLibStdCxxHas(string version)
    {
        var found = false;
        foreach (var dir in LibStdCxxDirectories)
        {
            var path = Path.Combine(dir, "libstdc++.so.6");
            if (!File.Exists(path))
            {
                continue;
            }
            found = true;
            if (Contains(File.ReadAllBytes(path), Encoding.ASCII.GetBytes(version + "\0")))
            {
                return true;
            }
        }
        // No libstdc++ in the usual places: nothing tells us the patch is needed.
        return !found;
    }

    private static bool Contains(byte[] haystack, byte[] needle)
    {
        for (var i = 0; i <= haystack.Length - needle.Length; i++)
        {
            var j = 0;
            while (j < needle.Length && haystack[i + j] == needle[j])
            {
                j++;
            }
            if (j == needle.Length)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Sets VER_FLG_WEAK on the version-need entry named <paramref name="version"/> of a 64-bit little-endian ELF file.
    /// Returns what was done; throws InvalidDataException for a file that is not such an ELF.
    /// </summary>
    public static string WeakenVersionNeed(string path, string version)
    {
        var elf = File.ReadAllBytes(path);
        var offset = FindVersionNeedFlags(elf, version);
        if (offset < 0)
        {
            return "does not need " + version;
        }
        var flags = BitConverter.ToUInt16(elf, offset);
        if ((flags & VerFlagWeak) != 0)
        {
            return version + " already weak";
        }
        flags |= VerFlagWeak;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            stream.Position = offset;
            stream.WriteByte((byte)(flags & 0xff));
            stream.WriteByte((byte)(flags >> 8));
        }
        return version + " marked weak";
    }

    /// <summary>File offset of vna_flags of the entry named <paramref name="version"/>, or -1 when absent.</summary>
    public static int FindVersionNeedFlags(byte[] elf, string version)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
        {
            throw new InvalidDataException("not an ELF file");
        }
        if (elf[4] != 2 || elf[5] != 1)
        {
            throw new InvalidDataException("not a 64-bit little-endian ELF file");
        }
        var sectionHeaders = (long)BitConverter.ToUInt64(elf, 0x28);
        int entrySize = BitConverter.ToUInt16(elf, 0x3A);
        int count = BitConverter.ToUInt16(elf, 0x3C);
        for (var i = 0; i < count; i++)
        {
            var header = checked((int)(sectionHeaders + (long)i * entrySize));
            if (header + 64 > elf.Length)
            {
                throw new InvalidDataException("section header table truncated");
            }
            if (BitConverter.ToUInt32(elf, header + 4) != ShtGnuVerneed)
            {
                continue;
            }
            var needs = checked((int)BitConverter.ToUInt64(elf, header + 24));
            var link = (int)BitConverter.ToUInt32(elf, header + 40);
            var entries = (int)BitConverter.ToUInt32(elf, header + 44);
            var strings = checked((int)BitConverter.ToUInt64(elf, checked((int)(sectionHeaders + (long)link * entrySize)) + 24));
            var need = needs;
            for (var n = 0; n < entries; n++)
            {
                int auxCount = BitConverter.ToUInt16(elf, need + 2);
                var aux = need + (int)BitConverter.ToUInt32(elf, need + 8);
                for (var a = 0; a < auxCount; a++)
                {
                    var name = ReadString(elf, strings + (int)BitConverter.ToUInt32(elf, aux + 8));
                    if (name == version)
                    {
                        return aux + 4;
                    }
                    aux += (int)BitConverter.ToUInt32(elf, aux + 12);
                }
                need += (int)BitConverter.ToUInt32(elf, need + 12);
            }
        }
        return -1;
    }

    private static string ReadString(byte[] data, int start)
    {
        var end = start;
        while (end < data.Length && data[end] != 0)
        {
            end++;
        }
        return Encoding.ASCII.GetString(data, start, end - start);
    }
}

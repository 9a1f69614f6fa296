using System;
using System.IO;
using System.Linq;
using FluentAssertions;
using Xunit;

namespace NetDsl.Tests;

/// <summary>The build step that lets libLibTorchSharp.so load where the system libstdc++ predates GCC 13.</summary>
public sealed class NativeFixTests
{
    private static string? PackagedLibrary()
    {
        var home = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ??
                   Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var path = Path.Combine(home, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        return File.Exists(path) ? path : null;
    }

    private static ushort Flags(byte[] elf) => BitConverter.ToUInt16(elf, NetDslPatchLibTorchSharp.FindVersionNeedFlags(elf, NetDslPatchLibTorchSharp.MissingVersion));

    [Fact]
    public void Weakening_sets_only_the_flag_and_is_idempotent()
    {
        var original = PackagedLibrary();
        original.Should().NotBeNull("TorchSharp 0.107.0 is restored for this project");
        var copy = Path.Combine(Path.GetTempPath(), $"netdsl-{Guid.NewGuid():N}.so");
        File.Copy(original!, copy);
        try
        {
            var before = File.ReadAllBytes(copy);
            (Flags(before) & 2).Should().Be(0, "the shipped library requires the version strictly");
            NetDslPatchLibTorchSharp.WeakenVersionNeed(copy, NetDslPatchLibTorchSharp.MissingVersion).Should().Be("GLIBCXX_3.4.32 marked weak");
            var after = File.ReadAllBytes(copy);
            (Flags(after) & 2).Should().Be(2);
            before.Zip(after).Count(p => p.First != p.Second).Should().Be(1, "one byte of vna_flags changes");
            NetDslPatchLibTorchSharp.WeakenVersionNeed(copy, NetDslPatchLibTorchSharp.MissingVersion).Should().Be("GLIBCXX_3.4.32 already weak");
            File.ReadAllBytes(original!).Should().Equal(before, "the package cache is never touched");
        }
        finally
        {
            File.Delete(copy);
        }
    }

    [Fact]
    public void A_file_that_is_not_ELF_is_refused_clearly()
    {
        var act = () => NetDslPatchLibTorchSharp.FindVersionNeedFlags(new byte[128], "GLIBCXX_3.4.32");
        act.Should().Throw<InvalidDataException>().WithMessage("not an ELF file");
    }

    [Fact]
    public void The_build_output_is_patched_exactly_when_the_system_needs_it()
    {
        var output = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        if (!OperatingSystem.IsLinux())
        {
            File.Exists(output).Should().BeFalse();
            return;
        }
        var needed = !NetDslPatchLibTorchSharp.SystemLibStdCxxHas(NetDslPatchLibTorchSharp.MissingVersion);
        (Flags(File.ReadAllBytes(output)) & 2).Should().Be((ushort)(needed ? 2 : 0));
        TorchSharp.torch.ones(2, 2).sum().item<float>().Should().Be(4, "libtorch loads and runs");
    }
}

using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using FluentAssertions;
using NetDsl.Generators.Layers;
using Xunit;

namespace NetDsl.Tests;

/// <summary>
/// The layer catalogue against the attributes users write and the reference page: a kind missing anywhere, an
/// argument spec that names no attribute member, or an attribute member no kind reads, fails here, not silently.
/// </summary>
public sealed class LayerCatalogTests
{
    private static readonly string[] Common = { "name", "key", "when", "from", "repeat" };

    private static Type[] LayerAttributes() => typeof(LayerAttribute).Assembly.GetExportedTypes()
        .Where(t => !t.IsAbstract && typeof(LayerAttribute).IsAssignableFrom(t) && !typeof(BlockAttribute).IsAssignableFrom(t))
        .ToArray();

    private static string KindName(Type attribute) => attribute.Name.Substring(0, attribute.Name.Length - "Attribute".Length);

    [Fact]
    public void Every_layer_attribute_has_a_kind_and_every_kind_an_attribute()
    {
        var attributes = LayerAttributes().Select(KindName).ToList();
        attributes.Where(a => LayerCatalog.Find(a) is null).Should().BeEmpty("every built-in attribute needs a kind in LayerCatalog");
        LayerCatalog.All.Select(k => k.Name).Except(attributes).Should().BeEmpty("every kind needs its NetDsl.{Name}Attribute");
        LayerCatalog.All.Select(k => k.Name).Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public void Every_argument_spec_is_an_attribute_member_of_the_right_type_and_every_member_has_a_spec()
    {
        foreach (var attribute in LayerAttributes())
        {
            var kind = LayerCatalog.Get(KindName(attribute));
            var members = attribute.GetConstructors().SelectMany(c => c.GetParameters()).Select(p => (p.Name!, p.ParameterType))
                .Concat(attribute.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite)
                    .Select(p => (char.ToLowerInvariant(p.Name[0]) + p.Name.Substring(1), p.PropertyType)))
                .Where(m => !Common.Contains(m.Item1))
                .ToList();
            var specs = kind.Arguments.ToDictionary(a => a.Name);
            members.Select(m => m.Item1).Distinct().Should().BeEquivalentTo(specs.Keys, $"{kind.Name}'s specs are exactly its attribute's members");
            foreach (var (name, type) in members)
            {
                var spec = specs[name];
                // object and string members take a constant or an expression; the analyzer checks the spec's type.
                var expression = type == typeof(string) || type == typeof(object);
                var fits = spec.Type switch
                {
                    ArgumentType.Int => type == typeof(int) || expression,
                    ArgumentType.Double => type == typeof(double) || expression,
                    ArgumentType.Bool => type == typeof(bool) || expression,
                    ArgumentType.Enum => type.IsEnum && type.FullName == spec.EnumType || expression,
                    ArgumentType.Names => type == typeof(string[]),
                    ArgumentType.IntList => type == typeof(int[]) || type == typeof(object[]),
                    ArgumentType.Type => type == typeof(Type),
                    _ => false,
                };
                fits.Should().BeTrue($"{kind.Name}.{name} is {type.Name} but its spec says {spec.Type}");
            }
            foreach (var spec in kind.Arguments.Where(a => a.Type == ArgumentType.Enum))
            {
                typeof(NetDsl.Padding).Assembly.GetType(spec.EnumType!).Should().NotBeNull($"{kind.Name}.{spec.Name} names the enum {spec.EnumType}")
                    .And.Subject.IsEnum.Should().BeTrue();
            }
            if (kind.InputsArgument is { } inputs)
            {
                specs[inputs].Type.Should().Be(ArgumentType.Names, $"{kind.Name} reads its inputs from {inputs}");
            }
        }
    }

    [Fact]
    public void The_layer_reference_documents_every_kind()
    {
        var page = File.ReadAllText(Path.Combine(Root(), "docs", "layers.md"));
        LayerCatalog.All.Where(k => !page.Contains("\n### " + k.Name + "\n")).Select(k => k.Name).Should().BeEmpty("docs/layers.md has a section per kind");
    }

    private static string Root([CallerFilePath] string here = "") => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", ".."));
}

using Xunit;

namespace NetDsl.Tests;

/// <summary>
/// Tests that seed or draw from libtorch's process-wide random generator run one at a time: xunit runs test classes
/// in parallel, and two classes seeding the same generator would draw each other's numbers.
/// </summary>
[CollectionDefinition(Name)]
public sealed class TorchCollection
{
    public const string Name = "libtorch global state";
}

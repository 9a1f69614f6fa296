using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace NetDsl.Data;

/// <summary>
/// A labelled data set held in memory: features [N, ...] and integer class labels [N] (int64), both on the CPU.
/// An optional transform (scale, resize, repeat channels, flatten…) is applied to each batch as it is taken, so a
/// large input size costs memory per batch, not per data set.
/// </summary>
public sealed class Dataset : IDisposable
{
    private readonly Func<Tensor, Tensor>? transform;

    /// <summary>Wraps <paramref name="features"/> [N, ...] and <paramref name="labels"/> [N]; the data set owns both tensors.</summary>
    public Dataset(string name, Tensor features, Tensor labels, Func<Tensor, Tensor>? transform = null)
    {
        if (features.dim() < 1 || labels.dim() != 1 || features.shape[0] != labels.shape[0])
        {
            throw new ArgumentException($"Data set '{name}': features [{string.Join(", ", features.shape)}] and labels [{string.Join(", ", labels.shape)}] must have the same first dimension.");
        }
        Name = name;
        Features = features.DetachFromDisposeScope();
        Labels = (labels.dtype == ScalarType.Int64 ? labels : labels.to_type(ScalarType.Int64)).DetachFromDisposeScope();
        this.transform = transform;
    }

    /// <summary>A name used in tables, plots and errors ("mnist-digits/train").</summary>
    public string Name { get; }

    /// <summary>The stored features, before the transform.</summary>
    public Tensor Features { get; }

    /// <summary>Class labels, int64 [N].</summary>
    public Tensor Labels { get; }

    /// <summary>The number of samples.</summary>
    public int Count => (int)Labels.shape[0];

    /// <summary>The shape of one sample after the transform, e.g. [3, 32, 32] or [784].</summary>
    public long[] SampleShape
    {
        get
        {
            using var scope = NewDisposeScope();
            return Batch(0, Math.Min(1, Count)).Features.shape.Skip(1).ToArray();
        }
    }

    /// <summary>Samples [start, start + count) with the transform applied: new tensors the caller disposes (or a dispose scope does).</summary>
    public (Tensor Features, Tensor Labels) Batch(int start, int count)
    {
        var x = Features.narrow(0, start, count);
        return (transform is null ? x : transform(x), Labels.narrow(0, start, count));
    }

    /// <summary>The samples at <paramref name="indices"/>, transformed.</summary>
    public (Tensor Features, Tensor Labels) Batch(Tensor indices)
    {
        var x = Features.index_select(0, indices);
        return (transform is null ? x : transform(x), Labels.index_select(0, indices));
    }

    /// <summary>The same samples with <paramref name="next"/> applied after this data set's transform.</summary>
    public Dataset WithTransform(Func<Tensor, Tensor> next, string? name = null)
    {
        var previous = transform;
        Func<Tensor, Tensor> combined = previous is null ? next : x => next(previous(x));
        return new Dataset(name ?? Name, Features.alias(), Labels.alias(), combined);
    }

    /// <summary>Samples [start, start + count) as a data set of their own (sharing storage), with the same transform.</summary>
    public Dataset Slice(int start, int count, string? name = null)
    {
        if (start < 0 || count < 0 || start + count > Count)
        {
            throw new ArgumentOutOfRangeException(nameof(count), $"Data set '{Name}' has {Count} samples; [{start}, {start + count}) is outside it.");
        }
        return new Dataset(name ?? $"{Name}[{start}..{start + count})", Features.narrow(0, start, count), Labels.narrow(0, start, count), transform);
    }

    /// <summary>The number of samples of each class 0..<paramref name="classes"/>-1.</summary>
    public int[] ClassCounts(int classes)
    {
        var counts = new int[classes];
        foreach (var label in Labels.data<long>())
        {
            if (label >= 0 && label < classes)
            {
                counts[label]++;
            }
        }
        return counts;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Features.Dispose();
        Labels.Dispose();
    }
}

/// <summary>Image transforms for batches of images [N, C, H, W] (or [N, H, W]): compose them with <see cref="Compose"/>.</summary>
public static class ImageTransforms
{
    /// <summary>Bytes 0–255 (or any numeric type) to float32 in [0, 1].</summary>
    public static Func<Tensor, Tensor> ScaleToUnit { get; } = x => x.to_type(ScalarType.Float32).div(255f);

    /// <summary>Bilinear resize to <paramref name="height"/>×<paramref name="width"/> (no antialias; corners not aligned).</summary>
    public static Func<Tensor, Tensor> Resize(int height, int width) => x =>
    {
        if (x.shape[^2] == height && x.shape[^1] == width)
        {
            return x.alias();
        }
        var input = x.dim() == 3 ? x.unsqueeze(1) : x;
        return nn.functional.interpolate(input.to_type(ScalarType.Float32), new long[] { height, width }, mode: InterpolationMode.Bilinear, align_corners: false);
    };

    /// <summary>Repeats a single channel <paramref name="channels"/> times ([N, 1, H, W] → [N, channels, H, W]).</summary>
    public static Func<Tensor, Tensor> RepeatChannels(int channels) => x =>
    {
        var input = x.dim() == 3 ? x.unsqueeze(1) : x;
        if (input.shape[1] != 1)
        {
            throw new ArgumentException($"RepeatChannels expects one channel, got [{string.Join(", ", x.shape)}].");
        }
        return input.expand(input.shape[0], channels, input.shape[2], input.shape[3]).contiguous();
    };

    /// <summary>[N, ...] → [N, product of the rest], e.g. for an MLP.</summary>
    public static Func<Tensor, Tensor> Flatten { get; } = x => x.reshape(x.shape[0], -1);

    /// <summary>Applies the transforms left to right.</summary>
    public static Func<Tensor, Tensor> Compose(params Func<Tensor, Tensor>[] transforms) => x =>
    {
        var current = x;
        foreach (var t in transforms)
        {
            current = t(current);
        }
        return current;
    };
}

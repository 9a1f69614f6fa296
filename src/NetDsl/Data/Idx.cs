using System;
using System.IO;
using System.IO.Compression;

namespace NetDsl.Data;

/// <summary>A data file that cannot be read: names the file and what is wrong with it.</summary>
public sealed class DataFormatException : Exception
{
    /// <summary>Creates the error for <paramref name="path"/>.</summary>
    public DataFormatException(string path, string problem, Exception? inner = null)
        : base($"{path}: {problem}", inner)
    {
        Path = path;
        Problem = problem;
    }

    /// <summary>The file that could not be read.</summary>
    public string Path { get; }

    /// <summary>What is wrong with it.</summary>
    public string Problem { get; }
}

/// <summary>An unsigned-byte IDX array (the format of the MNIST distribution files): its dimensions and its bytes.</summary>
public sealed class IdxArray
{
    /// <summary>Creates an array; the product of <paramref name="dimensions"/> must equal the length of <paramref name="data"/>.</summary>
    public IdxArray(int[] dimensions, byte[] data)
    {
        long size = 1;
        foreach (var d in dimensions)
        {
            if (d < 0)
            {
                throw new ArgumentException("IDX dimensions cannot be negative.", nameof(dimensions));
            }
            size *= d;
        }
        if (size != data.Length)
        {
            throw new ArgumentException($"The dimensions hold {size} values but {data.Length} bytes were given.", nameof(data));
        }
        Dimensions = dimensions;
        Data = data;
    }

    /// <summary>The size of each dimension, outermost first (e.g. [10000, 28, 28]).</summary>
    public int[] Dimensions { get; }

    /// <summary>The values in row-major order.</summary>
    public byte[] Data { get; }

    /// <summary>The number of items (the first dimension).</summary>
    public int Count => Dimensions.Length == 0 ? 1 : Dimensions[0];
}

/// <summary>
/// Reads and writes the IDX format used by the MNIST and Fashion-MNIST distributions (magic 0x00 0x00 0x08 rank,
/// big-endian 32-bit dimensions, then the bytes), plain or gzip-compressed (chosen by the ".gz" extension).
/// </summary>
public static class Idx
{
    private const byte UnsignedByte = 0x08;

    /// <summary>Reads an unsigned-byte IDX file; throws <see cref="DataFormatException"/> naming the file if it is malformed or truncated.</summary>
    public static IdxArray Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new DataFormatException(path, "the file does not exist");
        }
        try
        {
            using var file = File.OpenRead(path);
            using var stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? (Stream)new GZipStream(file, CompressionMode.Decompress) : file;
            return Read(stream, path);
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(path, "the gzip stream is corrupt: " + e.Message, e);
        }
    }

    /// <summary>Reads an unsigned-byte IDX array from <paramref name="stream"/>; <paramref name="name"/> is used in error messages.</summary>
    public static IdxArray Read(Stream stream, string name)
    {
        var header = new byte[4];
        if (ReadFully(stream, header) < 4)
        {
            throw new DataFormatException(name, "the file ends before the 4-byte IDX header");
        }
        if (header[0] != 0 || header[1] != 0)
        {
            throw new DataFormatException(name, $"not an IDX file: the first two bytes are 0x{header[0]:X2} 0x{header[1]:X2}, expected 0x00 0x00");
        }
        if (header[2] != UnsignedByte)
        {
            throw new DataFormatException(name, $"IDX element type 0x{header[2]:X2} is not supported; only unsigned bytes (0x08) are");
        }
        var rank = header[3];
        if (rank == 0 || rank > 4)
        {
            throw new DataFormatException(name, $"IDX rank {rank} is not supported (expected 1 to 4)");
        }
        var dimensions = new int[rank];
        var buffer = new byte[4];
        long size = 1;
        for (var i = 0; i < rank; i++)
        {
            if (ReadFully(stream, buffer) < 4)
            {
                throw new DataFormatException(name, $"the file ends inside the header (dimension {i + 1} of {rank})");
            }
            var value = (buffer[0] << 24) | (buffer[1] << 16) | (buffer[2] << 8) | buffer[3];
            if (value < 0)
            {
                throw new DataFormatException(name, $"dimension {i + 1} is negative ({value})");
            }
            dimensions[i] = value;
            size *= value;
        }
        if (size > int.MaxValue)
        {
            throw new DataFormatException(name, $"the header declares {size} values, more than this reader holds in memory");
        }
        var data = new byte[size];
        var read = ReadFully(stream, data);
        if (read < size)
        {
            throw new DataFormatException(name, $"truncated: the header [{string.Join(", ", dimensions)}] declares {size} bytes of data but only {read} follow");
        }
        if (stream.ReadByte() != -1)
        {
            throw new DataFormatException(name, $"unexpected bytes after the {size} bytes the header [{string.Join(", ", dimensions)}] declares");
        }
        return new IdxArray(dimensions, data);
    }

    /// <summary>Writes an unsigned-byte IDX file, gzip-compressed when <paramref name="path"/> ends in ".gz".</summary>
    public static void Write(string path, IdxArray array)
    {
        using var file = File.Create(path);
        using var stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? (Stream)new GZipStream(file, CompressionLevel.SmallestSize) : file;
        stream.Write(new byte[] { 0, 0, UnsignedByte, (byte)array.Dimensions.Length });
        foreach (var d in array.Dimensions)
        {
            stream.Write(new[] { (byte)(d >> 24), (byte)(d >> 16), (byte)(d >> 8), (byte)d });
        }
        stream.Write(array.Data);
    }

    private static int ReadFully(Stream stream, byte[] buffer)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = stream.Read(buffer, total, buffer.Length - total);
            if (n == 0)
            {
                break;
            }
            total += n;
        }
        return total;
    }
}

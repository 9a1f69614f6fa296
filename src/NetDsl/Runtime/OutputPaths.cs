using System.IO;

namespace NetDsl;

/// <summary>File-system helpers for what NetDsl writes (checkpoints, plots, tables).</summary>
internal static class OutputPaths
{
    /// <summary>Creates the folder that will hold <paramref name="path"/>, if it does not exist.</summary>
    public static void CreateParent(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }
    }
}

using CnnGpu.Runtime;

namespace CnnGpu.Networks.Imaging;

/// <summary>Finds the image files a command line or a training folder names.</summary>
public static class ImageFiles
{
    /// <summary>File extensions taken as images when a folder is listed (what SkiaSharp decodes).</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif"];

    /// <summary>Whether <paramref name="path"/> has one of the image <see cref="Extensions"/>.</summary>
    /// <param name="path">A file path.</param>
    public static bool HasImageExtension(string path) =>
        Extensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);

    /// <summary>The image files directly in <paramref name="folder"/> (not its subfolders), in ordinal name order.</summary>
    /// <param name="folder">An existing folder.</param>
    public static IReadOnlyList<string> InFolder(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        return [.. Directory.EnumerateFiles(folder).Where(HasImageExtension).Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// Expands files and folders into image files: a file is taken as it is (whatever its extension,
    /// so that decoding can say what is wrong with it), a folder gives its images.
    /// </summary>
    /// <param name="paths">Files and folders, in order.</param>
    /// <exception cref="CnnGpuException">A path does not exist, or a folder holds no image.</exception>
    public static IReadOnlyList<string> Expand(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var files = new List<string>();
        foreach (string path in paths)
        {
            if (Directory.Exists(path))
            {
                var images = InFolder(path);
                if (images.Count == 0)
                {
                    throw new CnnGpuException($"Folder '{path}' holds no image ({string.Join(", ", Extensions)}).");
                }

                files.AddRange(images);
            }
            else if (File.Exists(path))
            {
                files.Add(path);
            }
            else
            {
                throw new CnnGpuException($"'{path}' is neither an image file nor a folder.");
            }
        }

        return files;
    }
}

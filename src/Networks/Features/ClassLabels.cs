using CnnGpu.Runtime;

namespace CnnGpu.Networks.Features;

/// <summary>Class-name files: one name per line, in class order.</summary>
public static class ClassLabels
{
    /// <summary>The ILSVRC-2012 class names file, relative to the application folder (the CLI's build output and tool package carry it).</summary>
    public static string ImageNetFile { get; } = Path.Combine("data", "imagenet_classes.txt");

    /// <summary>Number of ImageNet classes.</summary>
    public const int ImageNetClasses = 1000;

    /// <summary>The names in <paramref name="path"/>: one per line, trimmed; trailing empty lines are ignored.</summary>
    /// <param name="path">A text file.</param>
    /// <exception cref="CnnGpuException">Missing, or without a single name.</exception>
    public static IReadOnlyList<string> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new CnnGpuException($"Labels file '{path}' does not exist.");
        }

        var lines = File.ReadAllLines(path).Select(l => l.Trim()).ToList();
        while (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        return lines.Count > 0 ? lines : throw new CnnGpuException($"Labels file '{path}' holds no name.");
    }

    /// <summary>The 1000 ImageNet class names from <see cref="ImageNetFile"/> next to the application.</summary>
    /// <exception cref="CnnGpuException">The file is not there.</exception>
    public static IReadOnlyList<string> ImageNet()
    {
        var names = Read(Path.Combine(AppContext.BaseDirectory, ImageNetFile));
        return names.Count == ImageNetClasses ? names : throw new CnnGpuException($"'{ImageNetFile}' has {names.Count} names, not {ImageNetClasses}.");
    }
}

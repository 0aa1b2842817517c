using System.Reflection;

namespace CnnGpu.Tests.Onnx;

/// <summary>Locations of the repository's sample photos, the ResNet-18 model files, and scratch folders.</summary>
public static class TestFiles
{
    /// <summary>The repository root (the folder holding CnnGpu.sln).</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    public static string Samples => Path.Combine(RepositoryRoot, "samples");

    /// <summary>tools/DnnImageModels of NuGet Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1 (downloaded at restore).</summary>
    public static string DnnImageModels { get; } =
        typeof(TestFiles).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "DnnImageModels").Value!;

    public static string ResNet18 => Path.Combine(DnnImageModels, "ResNet18Onnx", "ResNet18.onnx");

    public static string ResNetPreprocess => Path.Combine(DnnImageModels, "ResNetPrepOnnx", "ResNetPreprocess.onnx");

    /// <summary>A new empty folder under the system temp folder; delete it when done.</summary>
    public static string NewScratchFolder()
    {
        string path = Path.Combine(Path.GetTempPath(), $"cnngpu-tests-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CnnGpu.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No CnnGpu.sln above {AppContext.BaseDirectory}.");
    }
}

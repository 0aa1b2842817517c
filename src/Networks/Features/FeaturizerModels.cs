using CnnGpu.Networks.Onnx;
using CnnGpu.Runtime;
using CnnGpu.Runtime.Graph;

namespace CnnGpu.Networks.Features;

/// <summary>
/// The ImageNet-trained ResNet-18 of NuGet <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c> 0.23.1: its
/// <c>DnnImageModels</c> folder holds <c>ResNetPrepOnnx/ResNetPreprocess.onnx</c> (RGB 0–255 → BGR minus the mean
/// image) and <c>ResNet18Onnx/ResNet18.onnx</c> (512-d pooled features). Found, in this order, in the folder named
/// by the <c>CNNGPU_MODELS</c> environment variable, in <c>DnnImageModels</c> next to this assembly (where the
/// <c>cnngpu</c> tool and its build output carry them), and in the NuGet package cache.
/// </summary>
public static class FeaturizerModels
{
    /// <summary>The environment variable naming a folder laid out like the package's <c>DnnImageModels</c>.</summary>
    public const string EnvironmentVariable = "CNNGPU_MODELS";

    /// <summary>The package the model files come from.</summary>
    public const string Package = "Microsoft.ML.DnnImageFeaturizer.ResNet18";

    /// <summary>The package version the files were tested with.</summary>
    public const string PackageVersion = "0.23.1";

    /// <summary>The preprocessing model, relative to a <c>DnnImageModels</c> folder.</summary>
    public static string PreprocessFile { get; } = Path.Combine("ResNetPrepOnnx", "ResNetPreprocess.onnx");

    /// <summary>The ResNet-18 feature model, relative to a <c>DnnImageModels</c> folder.</summary>
    public static string ResNet18File { get; } = Path.Combine("ResNet18Onnx", "ResNet18.onnx");

    /// <summary>The folders searched, in order (some may not exist).</summary>
    public static IReadOnlyList<string> SearchFolders()
    {
        var folders = new List<string>();
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } fromEnvironment)
        {
            folders.Add(fromEnvironment);
        }

        folders.Add(Path.Combine(AppContext.BaseDirectory, "DnnImageModels"));
        if (Path.GetDirectoryName(typeof(FeaturizerModels).Assembly.Location) is { Length: > 0 } assemblyFolder)
        {
            folders.Add(Path.Combine(assemblyFolder, "DnnImageModels"));
        }

        string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } packages
            ? packages
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        folders.Add(Path.Combine(cache, Package.ToLowerInvariant(), PackageVersion, "tools", "DnnImageModels"));
        return [.. folders.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The first searched folder that holds both model files.</summary>
    /// <exception cref="CnnGpuException">None does; the message lists where it looked.</exception>
    public static string Locate()
    {
        var folders = SearchFolders();
        return folders.FirstOrDefault(f => File.Exists(Path.Combine(f, PreprocessFile)) && File.Exists(Path.Combine(f, ResNet18File)))
            ?? throw new CnnGpuException(
                $"The ResNet-18 model files ({PreprocessFile}, {ResNet18File}) were not found in {string.Join(", ", folders)}; " +
                $"set {EnvironmentVariable} to a folder holding them (the tools/DnnImageModels folder of NuGet {Package} {PackageVersion}).");
    }

    /// <summary>
    /// ResNetPreprocess.onnx then ResNet18.onnx as one graph: input <c>[3, 224, 224]</c> RGB 0–255, output
    /// <c>[512, 1, 1]</c> features.
    /// </summary>
    /// <param name="folder">A <c>DnnImageModels</c> folder; <see cref="Locate"/> when null.</param>
    public static ComputeGraph LoadFeatureGraph(string? folder = null)
    {
        folder ??= Locate();
        return WithPreprocess(OnnxImporter.Load(Path.Combine(folder, ResNet18File)), folder);
    }

    /// <summary>
    /// <paramref name="graph"/> fed through ResNetPreprocess.onnx: the CNTK / ML.NET convention (BGR, 0–255 minus
    /// the mean image) for a network that takes <c>[3, 224, 224]</c>; the result takes RGB 0–255.
    /// </summary>
    /// <param name="graph">A network trained on that convention.</param>
    /// <param name="folder">A <c>DnnImageModels</c> folder; <see cref="Locate"/> when null.</param>
    /// <exception cref="CnnGpuException">The network's input is not <c>[3, 224, 224]</c>.</exception>
    public static ComputeGraph WithPreprocess(ComputeGraph graph, string? folder = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        folder ??= Locate();
        var preprocess = OnnxImporter.Load(Path.Combine(folder, PreprocessFile));
        if (graph.Inputs.Length != 1 || !graph.Inputs[0].ItemShape.Equals(preprocess.Inputs[0].ItemShape))
        {
            throw new CnnGpuException(
                $"The CNTK preprocessing subtracts a {preprocess.Inputs[0].ItemShape} mean image; '{graph.Name}' takes {string.Join(", ", graph.Inputs.Select(i => i.ItemShape))}.");
        }

        return GraphChain.Then(preprocess, graph, "preprocess.");
    }
}

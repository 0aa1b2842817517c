using System.Globalization;
using CnnGpu.Networks;
using CnnGpu.Networks.Complexity;
using CnnGpu.Networks.Zoo;
using CnnGpu.Runtime.Graph;

namespace CnnGpu.Cli.Commands;

/// <summary>Range checks of numeric options and the model argument, shared by the commands: each returns the one-line message, or null when the value is fine.</summary>
internal static class Arguments
{
    /// <summary>Largest square input side accepted (a 4096² image is 200 MB per batch item as float32).</summary>
    public const int MaxInput = 4096;

    /// <summary>Largest batch accepted.</summary>
    public const int MaxBatch = 4096;

    /// <summary>Most CPU worker threads accepted.</summary>
    public const int MaxThreads = 1024;

    /// <summary>Most timed or warm-up runs accepted.</summary>
    public const int MaxRuns = 1_000_000;

    /// <summary>Why <paramref name="value"/> of <paramref name="option"/> is out of [<paramref name="min"/>, <paramref name="max"/>], or null when it is in range or absent.</summary>
    /// <param name="option">The option as typed, e.g. <c>--batch</c>.</param>
    /// <param name="value">Its value; null when not given.</param>
    /// <param name="min">Smallest allowed.</param>
    /// <param name="max">Largest allowed.</param>
    public static string? OutOfRange(string option, int? value, int min, int max) =>
        value is { } v && (v < min || v > max)
            ? string.Create(CultureInfo.InvariantCulture, $"{option} must be between {min} and {max}, got {v}.")
            : null;

    /// <summary>Why <paramref name="model"/> names nothing that <see cref="Models.Load"/> can load, or null when it does.</summary>
    /// <param name="model">A zoo name, <c>tinynet</c>, or an ONNX file path.</param>
    public static string? UnknownModel(string model)
    {
        if (File.Exists(model) || NetworkZoo.Contains(model) || model == TinyNet.Name)
        {
            return null;
        }

        return model.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) || model.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? $"ONNX model '{model}' does not exist."
            : $"'{model}' is neither an existing ONNX file nor a known network name (the zoo: {string.Join(", ", NetworkZoo.Names)}, {TinyNet.Name}).";
    }

    /// <summary>
    /// Loads <paramref name="model"/>: a zoo network is built with <paramref name="options"/>; tinynet and ONNX files are
    /// loaded as they are. (<see cref="Models.Load"/> would take tinynet's class count from the options, whose
    /// default is ImageNet's 1000, so tinynet would have 1000 classes here and 10 in <c>run</c> and <c>export</c>.)
    /// </summary>
    /// <param name="model">A zoo name, tinynet, or an ONNX file path.</param>
    /// <param name="options">Zoo build options.</param>
    public static ComputeGraph Load(string model, NetworkOptions options) =>
        IsZooBuild(model) ? Models.Load(model, options) : Models.Load(model);

    /// <summary>
    /// Why <c>--stride-on-1x1</c> changes nothing on <paramref name="model"/>, or null when it does: only a network with
    /// downsampling bottlenecks has a first 1×1 to move the stride to. Decided by building the structure both ways
    /// (cheap: no weights), so a new zoo network needs no entry in a list.
    /// </summary>
    /// <param name="model">A zoo name.</param>
    public static string? StrideIgnored(string model)
    {
        if (!IsZooBuild(model))
        {
            return null;
        }

        long Macs(bool strideOnFirst1x1) => ComplexityAnalyzer.Analyze(
            NetworkZoo.Build(model, new NetworkOptions(StrideOnFirst1x1: strideOnFirst1x1, Weights: WeightInitializer.ShapesOnly))).TotalMacs;
        return Macs(true) == Macs(false) ? $"--stride-on-1x1 changes nothing on {model}: it has no downsampling bottleneck blocks." : null;
    }

    /// <summary>Whether <paramref name="model"/> is a zoo network to build (an existing file of that name wins, as in <see cref="Models.Load"/>).</summary>
    /// <param name="model">A zoo name or a path.</param>
    public static bool IsZooBuild(string model) => NetworkZoo.Contains(model) && !File.Exists(model);
}

using CnnGpu.Runtime.Graph;

namespace CnnGpu.Networks.Zoo;

/// <summary>How to build a zoo network.</summary>
/// <param name="InputSize">Square input side; null for the network's default (227 for the AlexNets, 299 for the Inception-ResNets, 224 otherwise).</param>
/// <param name="StrideOnFirst1x1">ResNet v1 (paper): the stride of a downsampling bottleneck sits on its first 1×1;
/// the default (torchvision v1.5) puts it on the 3×3.</param>
/// <param name="TrainingGraph">Include training-only parts (GoogLeNet's auxiliary classifiers).</param>
/// <param name="Classes">Output classes.</param>
/// <param name="Weights">Parameter initialiser; null = deterministic seeded He initialisation.
/// Use <see cref="WeightInitializer.ShapesOnly"/> for structure-only analysis.</param>
public sealed record NetworkOptions(
    int? InputSize = null, bool StrideOnFirst1x1 = false, bool TrainingGraph = false, int Classes = 1000, WeightInitializer? Weights = null)
{
    /// <summary>The default options.</summary>
    public static NetworkOptions Default { get; } = new();

    internal int InputOr(int fallback) => InputSize ?? fallback;

    internal GraphBuilder Builder(string name) => new(name, Weights ?? new WeightInitializer());
}

using CnnGpu.Runtime.Tensors;
using CnnGpu.Tests.Support;

namespace CnnGpu.Tests.Onnx;

/// <summary>
/// One small ONNX model and its input, run by ONNX Runtime (expected) and by CnnGpu (actual).
/// A negative first input dimension declares a dynamic batch; <see cref="Batch"/> is what runs.
/// </summary>
public sealed record ParityCase(string Name, Func<OnnxModelBuilder> Model, int[] ItemDims, int Batch = 2, float Low = -1f, float High = 1f)
{
    public Tensor Input(int seed) => RandomData.Uniform(seed, Low, High, [Batch, .. ItemDims]);

    public override string ToString() => Name;

    /// <summary>Seeded weights in [−0.5, 0.5].</summary>
    public static Tensor W(int seed, params int[] dims) => RandomData.Uniform(seed, -0.5f, 0.5f, dims);

    /// <summary>Seeded positive values in [0.5, 1.5] (variances, LRN-friendly scales).</summary>
    public static Tensor Positive(int seed, params int[] dims) => RandomData.Uniform(seed, 0.5f, 1.5f, dims);
}

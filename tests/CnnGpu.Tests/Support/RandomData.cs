using CnnGpu.Runtime.Tensors;

namespace CnnGpu.Tests.Support;

/// <summary>Seeded test data, so every failure reproduces.</summary>
public static class RandomData
{
    public static Tensor Uniform(int seed, float low, float high, params int[] dims)
    {
        var shape = new TensorShape(dims);
        var rng = new Random(seed);
        var data = new float[shape.ElementCount];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = low + ((high - low) * (float)rng.NextDouble());
        }

        return new Tensor(shape, data);
    }

    public static Tensor Symmetric(int seed, params int[] dims) => Uniform(seed, -1f, 1f, dims);

    /// <summary>
    /// Layer weights scaled like a trained network's (variance 1/fan-in, fan-in = product of the dimensions after
    /// the first), so a layer's output and its partial sums stay of order one as they do in real models.
    /// </summary>
    public static Tensor Weights(int seed, params int[] dims)
    {
        int fanIn = dims.Skip(1).Aggregate(1, (a, d) => a * d);
        float bound = MathF.Sqrt(3f / fanIn);
        return Uniform(seed, -bound, bound, dims);
    }
}

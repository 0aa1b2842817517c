using System.Text;
using CnnGpu.Runtime.Tensors;

namespace CnnGpu.Runtime.Graph;

/// <summary>
/// Deterministic parameter initialisation: every parameter's values depend only on the seed and
/// the parameter's name, so a network's weights do not change when unrelated layers are added.
/// Conv/FC weights are He-normal; batch-norm statistics are deliberately non-trivial so that a
/// batch norm is never an identity.
/// </summary>
/// <param name="seed">Network-wide seed.</param>
/// <param name="shapesOnly">Leave every parameter zero: for structural analysis (complexity reports) of
/// large networks, where generating hundreds of millions of random values would be wasted work.</param>
public sealed class WeightInitializer(int seed = 2012, bool shapesOnly = false)
{
    /// <summary>An initialiser that leaves every parameter zero (shapes only).</summary>
    public static WeightInitializer ShapesOnly { get; } = new(0, shapesOnly: true);

    /// <summary>He-normal weights, std = √(2 / fanIn).</summary>
    /// <param name="name">Parameter name (seeds the values).</param>
    /// <param name="shape">Parameter shape.</param>
    /// <param name="fanIn">Inputs per output (C/groups·KH·KW or in-features).</param>
    public Tensor HeNormal(string name, TensorShape shape, int fanIn)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var data = new float[shape.ElementCount];
        if (shapesOnly)
        {
            return new Tensor(shape, data);
        }

        var rng = RandomFor(name);
        double std = Math.Sqrt(2.0 / fanIn);
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (float)(Gaussian(rng) * std);
        }

        return new Tensor(shape, data);
    }

    /// <summary>Uniform values in [<paramref name="low"/>, <paramref name="high"/>).</summary>
    /// <param name="name">Parameter name (seeds the values).</param>
    /// <param name="length">Number of values (a vector).</param>
    /// <param name="low">Lower bound.</param>
    /// <param name="high">Upper bound.</param>
    public Tensor Uniform(string name, int length, float low, float high)
    {
        var data = new float[length];
        if (shapesOnly)
        {
            return new Tensor(new TensorShape(length), data);
        }

        var rng = RandomFor(name);
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = low + ((high - low) * (float)rng.NextDouble());
        }

        return new Tensor(new TensorShape(length), data);
    }

    private Random RandomFor(string name)
    {
        // FNV-1a over the UTF-8 name: stable across runs and .NET versions, unlike string.GetHashCode.
        uint hash = 2166136261u ^ (uint)seed;
        foreach (byte b in Encoding.UTF8.GetBytes(name))
        {
            hash = (hash ^ b) * 16777619u;
        }

#pragma warning disable CA5394 // Weights, not secrets: a seeded generator is the point.
        return new Random((int)(hash & 0x7FFFFFFF));
    }

    private static double Gaussian(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble();
        double u2 = rng.NextDouble();
#pragma warning restore CA5394
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}

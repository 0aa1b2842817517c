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

        // Chunks with generators of their own, seeded by (name, chunk): the values depend only on the seed and
        // the name, and VGG's hundred million weights are drawn on every core in a second or two.
        ulong nameSeed = Hash(name);
        double std = Math.Sqrt(2.0 / fanIn);
        int chunks = (data.Length + GaussianChunk - 1) / GaussianChunk;
        Parallel.For(0, chunks, chunk =>
        {
            var span = data.AsSpan(chunk * GaussianChunk, Math.Min(GaussianChunk, data.Length - (chunk * GaussianChunk)));
            FillGaussian(span, nameSeed ^ (0x9E3779B97F4A7C15UL * (ulong)(chunk + 1)), std);
        });
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

    private const int GaussianChunk = 1 << 16;

    private ulong Hash(string name)
    {
        // FNV-1a over the UTF-8 name, 64-bit: stable across runs and .NET versions, unlike string.GetHashCode.
        ulong hash = 14695981039346656037UL ^ (ulong)(uint)seed;
        foreach (byte b in Encoding.UTF8.GetBytes(name))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash;
    }

    /// <summary>Normal values (Box–Muller, both outputs used) from a SplitMix64 stream.</summary>
    private static void FillGaussian(Span<float> values, ulong state, double std)
    {
        for (int i = 0; i < values.Length; i += 2)
        {
            double u1 = 1.0 - ((Next(ref state) >> 11) * (1.0 / (1UL << 53)));
            double u2 = (Next(ref state) >> 11) * (1.0 / (1UL << 53));
            double radius = Math.Sqrt(-2.0 * Math.Log(u1)) * std;
            var (sin, cos) = Math.SinCos(2.0 * Math.PI * u2);
            values[i] = (float)(radius * cos);
            if (i + 1 < values.Length)
            {
                values[i + 1] = (float)(radius * sin);
            }
        }
    }

    private static ulong Next(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
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

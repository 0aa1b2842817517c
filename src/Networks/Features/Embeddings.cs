namespace CnnGpu.Networks.Features;

/// <summary>Arithmetic on feature vectors: L2 normalisation and cosine similarity (in double, then rounded).</summary>
public static class Embeddings
{
    /// <summary>Scales <paramref name="vector"/> in place to unit L2 norm (a zero vector is left as it is).</summary>
    /// <param name="vector">The vector.</param>
    public static void Normalize(Span<float> vector)
    {
        double sum = 0;
        foreach (float v in vector)
        {
            sum += v * (double)v;
        }

        if (sum > 0)
        {
            double scale = 1 / Math.Sqrt(sum);
            for (int i = 0; i < vector.Length; i++)
            {
                vector[i] = (float)(vector[i] * scale);
            }
        }
    }

    /// <summary>The cosine of the angle between <paramref name="a"/> and <paramref name="b"/> (0 when either is zero).</summary>
    /// <param name="a">A vector.</param>
    /// <param name="b">A vector of the same length.</param>
    public static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"Vectors of {a.Length} and {b.Length} values have no cosine.", nameof(b));
        }

        double dot = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += a[i] * (double)b[i];
            aa += a[i] * (double)a[i];
            bb += b[i] * (double)b[i];
        }

        return aa > 0 && bb > 0 ? dot / Math.Sqrt(aa * bb) : 0;
    }
}

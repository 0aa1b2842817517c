namespace CnnGpu.Networks.Features;

/// <summary>
/// A linear classifier on feature vectors: <c>p = softmax(W·x + b)</c>. Both head kinds end as one (a nearest
/// class mean is a scaled dot product with the normalised means), so one prediction path and one file format serve both.
/// </summary>
public sealed class LinearHead
{
    /// <summary>Creates a head from one weight row and one bias per class.</summary>
    /// <param name="weights">Per class, one weight per feature.</param>
    /// <param name="bias">Per class.</param>
    public LinearHead(IReadOnlyList<float[]> weights, IReadOnlyList<float> bias)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(bias);
        if (weights.Count == 0 || weights.Count != bias.Count || weights.Any(w => w.Length != weights[0].Length))
        {
            throw new ArgumentException($"A head needs one weight row of one length and one bias per class; got {weights.Count} rows and {bias.Count} biases.", nameof(weights));
        }

        Weights = [.. weights.Select(w => (float[])w.Clone())];
        Bias = [.. bias];
    }

    /// <summary>Per class, one weight per feature.</summary>
    public IReadOnlyList<float[]> Weights { get; }

    /// <summary>Per class.</summary>
    public IReadOnlyList<float> Bias { get; }

    /// <summary>Number of classes.</summary>
    public int Classes => Weights.Count;

    /// <summary>Length of the feature vectors it takes.</summary>
    public int Features => Weights[0].Length;

    /// <summary>The class scores (logits) of <paramref name="x"/>.</summary>
    /// <param name="x">A feature vector.</param>
    public float[] Scores(ReadOnlySpan<float> x)
    {
        if (x.Length != Features)
        {
            throw new ArgumentException($"The head takes {Features} features; got {x.Length}.", nameof(x));
        }

        var scores = new float[Classes];
        for (int k = 0; k < Classes; k++)
        {
            double s = Bias[k];
            float[] w = Weights[k];
            for (int i = 0; i < x.Length; i++)
            {
                s += w[i] * (double)x[i];
            }

            scores[k] = (float)s;
        }

        return scores;
    }

    /// <summary>The class probabilities of <paramref name="x"/>.</summary>
    /// <param name="x">A feature vector.</param>
    public float[] Probabilities(ReadOnlySpan<float> x) => CnnGpu.Networks.Features.Probabilities.Softmax(Scores(x));
}

namespace CnnGpu.Networks.Features;

/// <summary>Turning a classifier's scores into probabilities and picking the best classes.</summary>
public static class Probabilities
{
    /// <summary>Rows summing to 1 within this count as a distribution already (float32 softmax outputs are within ~1e-6).</summary>
    private const double SumTolerance = 1e-3;

    /// <summary>Whether <paramref name="scores"/> is already a probability distribution: every value in [0, 1], sum 1.</summary>
    /// <param name="scores">One row of a classifier's output.</param>
    public static bool IsDistribution(ReadOnlySpan<float> scores)
    {
        double sum = 0;
        foreach (float s in scores)
        {
            if (!(s >= 0 && s <= 1))
            {
                return false;
            }

            sum += s;
        }

        return Math.Abs(sum - 1) <= SumTolerance;
    }

    /// <summary>The softmax of <paramref name="scores"/> (max-subtracted, in double).</summary>
    /// <param name="scores">Logits.</param>
    public static float[] Softmax(ReadOnlySpan<float> scores)
    {
        if (scores.IsEmpty)
        {
            return [];
        }

        float max = float.NegativeInfinity;
        foreach (float s in scores)
        {
            max = Math.Max(max, s);
        }

        var exp = new double[scores.Length];
        double sum = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            exp[i] = Math.Exp(scores[i] - max);
            sum += exp[i];
        }

        return [.. exp.Select(e => (float)(e / sum))];
    }

    /// <summary><paramref name="scores"/> as probabilities: as they are when they already form a distribution, else their softmax.</summary>
    /// <param name="scores">One row of a classifier's output.</param>
    public static float[] Normalize(ReadOnlySpan<float> scores) =>
        IsDistribution(scores) ? scores.ToArray() : Softmax(scores);

    /// <summary>The <paramref name="top"/> most probable classes, most probable first (ties: lower class index first).</summary>
    /// <param name="probabilities">One probability per class.</param>
    /// <param name="labels">One name per class.</param>
    /// <param name="top">How many to return (at most the class count).</param>
    public static Prediction[] Top(IReadOnlyList<float> probabilities, IReadOnlyList<string> labels, int top)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentNullException.ThrowIfNull(labels);
        return [.. Enumerable.Range(0, probabilities.Count)
            .OrderByDescending(i => probabilities[i]).ThenBy(i => i)
            .Take(top)
            .Select(i => new Prediction(labels[i], probabilities[i]))];
    }
}

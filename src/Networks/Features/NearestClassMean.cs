namespace CnnGpu.Networks.Features;

/// <summary>
/// The nearest-class-mean classifier on L2-normalised features: each class is represented by the normalised
/// mean of its training features, and an image scores the cosine to each mean, scaled by <see cref="Scale"/>
/// before the softmax.
/// </summary>
public static class NearestClassMean
{
    /// <summary>
    /// Cosines between photos' features lie within a few tenths of each other; scaling them by 16 before the
    /// softmax turns a cosine lead of 0.2 into odds of e^3.2 ≈ 25:1 (the probabilities are a ranking
    /// aid, not calibrated). The same scale for every class, so the argmax is the nearest mean whatever it is.
    /// </summary>
    public const float Scale = 16f;

    /// <summary>Fits the classifier.</summary>
    /// <param name="features">Training features (L2-normalised).</param>
    /// <param name="labels">The class index of each.</param>
    /// <param name="classes">Number of classes; each must have at least one example.</param>
    public static LinearHead Fit(IReadOnlyList<float[]> features, IReadOnlyList<int> labels, int classes)
    {
        TrainingData.Check(features, labels, classes);
        int d = features[0].Length;
        var means = new float[classes][];
        for (int k = 0; k < classes; k++)
        {
            var sum = new double[d];
            foreach (int n in Enumerable.Range(0, features.Count).Where(n => labels[n] == k))
            {
                for (int i = 0; i < d; i++)
                {
                    sum[i] += features[n][i];
                }
            }

            means[k] = [.. sum.Select(v => (float)v)];
            Embeddings.Normalize(means[k]);
            for (int i = 0; i < d; i++)
            {
                means[k][i] *= Scale;
            }
        }

        return new LinearHead(means, new float[classes]);
    }
}

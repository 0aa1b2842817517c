using CnnGpu.Runtime;

namespace CnnGpu.Networks.Features;

/// <summary>Checks shared by the head trainers.</summary>
internal static class TrainingData
{
    /// <summary>Throws unless there are features of one length, one label in range per feature, and an example of every class.</summary>
    public static void Check(IReadOnlyList<float[]> features, IReadOnlyList<int> labels, int classes)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        if (features.Count == 0 || features.Count != labels.Count || features.Any(f => f.Length != features[0].Length))
        {
            throw new CnnGpuException($"Training needs feature vectors of one length with one label each; got {features.Count} vectors and {labels.Count} labels.");
        }

        if (labels.Any(l => l < 0 || l >= classes))
        {
            throw new CnnGpuException($"A label is outside 0–{classes - 1}.");
        }

        if (Enumerable.Range(0, classes).FirstOrDefault(k => !labels.Contains(k), -1) is var empty and >= 0)
        {
            throw new CnnGpuException($"Class {empty} has no training example.");
        }
    }
}

namespace CnnGpu.Networks.Features;

/// <summary>One answer of a classifier: a class name and its probability.</summary>
/// <param name="Label">The class name.</param>
/// <param name="Probability">Its probability, 0–1.</param>
public sealed record Prediction(string Label, float Probability);

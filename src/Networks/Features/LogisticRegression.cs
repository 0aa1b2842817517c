namespace CnnGpu.Networks.Features;

/// <summary>
/// Multinomial logistic regression on feature vectors: minimises the mean cross-entropy plus
/// <c>λ/2·‖W‖²</c> by full-batch Nesterov-accelerated gradient descent from zero weights, a fixed number
/// of steps of size 1/L (L bounds the gradient's Lipschitz constant), so a fit is deterministic.
/// Features are centred on their mean first (the centring is folded into the bias of the result).
/// </summary>
public static class LogisticRegression
{
    /// <summary>
    /// L2 strength. A handful of photos per class is always separable; without it the weights grow without
    /// bound and the probabilities saturate at 0 and 1.
    /// </summary>
    public const double DefaultL2 = 1e-3;

    /// <summary>Gradient steps; with a step of 1/L, accelerated descent has converged far below the held-out error by then.</summary>
    public const int DefaultIterations = 1000;

    /// <summary>Fits the classifier.</summary>
    /// <param name="features">Training features.</param>
    /// <param name="labels">The class index of each.</param>
    /// <param name="classes">Number of classes; each must have at least one example.</param>
    /// <param name="l2">L2 regularisation of the weights (not the bias).</param>
    /// <param name="iterations">Gradient steps.</param>
    public static LinearHead Fit(IReadOnlyList<float[]> features, IReadOnlyList<int> labels, int classes, double l2 = DefaultL2, int iterations = DefaultIterations)
    {
        TrainingData.Check(features, labels, classes);
        ArgumentOutOfRangeException.ThrowIfNegative(l2);
        ArgumentOutOfRangeException.ThrowIfNegative(iterations);
        int n = features.Count, d = features[0].Length, k = classes;

        // Centred inputs with a constant 1 appended for the bias: column d of the weights is the bias.
        var center = new double[d];
        foreach (var f in features)
        {
            for (int i = 0; i < d; i++)
            {
                center[i] += f[i] / (double)n;
            }
        }

        var x = new double[n][];
        double maxNorm = 0;
        for (int s = 0; s < n; s++)
        {
            x[s] = new double[d + 1];
            for (int i = 0; i < d; i++)
            {
                x[s][i] = features[s][i] - center[i];
            }

            x[s][d] = 1;
            maxNorm = Math.Max(maxNorm, x[s].Sum(v => v * v));
        }

        // The softmax cross-entropy's Hessian in the logits is at most 1/2 (eigenvalues of diag(p) − ppᵀ).
        double step = 1 / ((0.5 * maxNorm) + l2);
        var w = new double[k, d + 1];
        var previous = new double[k, d + 1];
        var look = new double[k, d + 1];
        var gradient = new double[k, d + 1];
        for (int t = 0; t < iterations; t++)
        {
            double momentum = t / (t + 3.0);
            for (int c = 0; c < k; c++)
            {
                for (int i = 0; i <= d; i++)
                {
                    look[c, i] = w[c, i] + (momentum * (w[c, i] - previous[c, i]));
                }
            }

            Gradient(x, labels, look, l2, gradient);
            Array.Copy(w, previous, w.Length);
            for (int c = 0; c < k; c++)
            {
                for (int i = 0; i <= d; i++)
                {
                    w[c, i] = look[c, i] - (step * gradient[c, i]);
                }
            }
        }

        // W·(x − c) + b = W·x + (b − W·c).
        var weights = new float[k][];
        var bias = new float[k];
        for (int c = 0; c < k; c++)
        {
            weights[c] = new float[d];
            double b = w[c, d];
            for (int i = 0; i < d; i++)
            {
                weights[c][i] = (float)w[c, i];
                b -= w[c, i] * center[i];
            }

            bias[c] = (float)b;
        }

        return new LinearHead(weights, bias);
    }

    /// <summary>The gradient of the mean cross-entropy plus the L2 term (bias column excluded) at <paramref name="w"/>.</summary>
    private static void Gradient(double[][] x, IReadOnlyList<int> labels, double[,] w, double l2, double[,] gradient)
    {
        int n = x.Length, k = w.GetLength(0), width = w.GetLength(1);
        Array.Clear(gradient);
        var logits = new double[k];
        for (int s = 0; s < n; s++)
        {
            double max = double.NegativeInfinity;
            for (int c = 0; c < k; c++)
            {
                double z = 0;
                for (int i = 0; i < width; i++)
                {
                    z += w[c, i] * x[s][i];
                }

                logits[c] = z;
                max = Math.Max(max, z);
            }

            double sum = 0;
            for (int c = 0; c < k; c++)
            {
                logits[c] = Math.Exp(logits[c] - max);
                sum += logits[c];
            }

            for (int c = 0; c < k; c++)
            {
                double error = ((logits[c] / sum) - (labels[s] == c ? 1 : 0)) / n;
                for (int i = 0; i < width; i++)
                {
                    gradient[c, i] += error * x[s][i];
                }
            }
        }

        for (int c = 0; c < k; c++)
        {
            for (int i = 0; i < width - 1; i++)
            {
                gradient[c, i] += l2 * w[c, i];
            }
        }
    }
}

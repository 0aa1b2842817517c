namespace CnnGpu.Kernels.Reference;

/// <summary>Scalar local response normalisation and inference-time batch normalisation.</summary>
public static class ReferenceNormalization
{
    /// <summary>LRN across channels with ONNX semantics (see <see cref="LrnGeometry"/>).</summary>
    /// <param name="x">Input, <c>[N, C, H, W]</c>.</param>
    /// <param name="y">Output, same shape.</param>
    /// <param name="g">Window and constants.</param>
    public static void Lrn(ReadOnlySpan<float> x, Span<float> y, in LrnGeometry g)
    {
        int spatial = g.Height * g.Width;
        for (int n = 0; n < g.Batch; n++)
        {
            for (int c = 0; c < g.Channels; c++)
            {
                int lo = Math.Max(0, c - g.Before);
                int hi = Math.Min(g.Channels - 1, c + g.After);
                for (int p = 0; p < spatial; p++)
                {
                    double sumSquares = 0;
                    for (int j = lo; j <= hi; j++)
                    {
                        double v = x[(((n * g.Channels) + j) * spatial) + p];
                        sumSquares += v * v;
                    }

                    int index = (((n * g.Channels) + c) * spatial) + p;
                    double denominator = Math.Pow(g.Bias + (g.Alpha / g.Size * sumSquares), g.Beta);
                    y[index] = (float)(x[index] / denominator);
                }
            }
        }
    }

    /// <summary><c>y = scale·(x − mean)/√(var + ε) + bias</c> per channel.</summary>
    /// <param name="x">Input.</param>
    /// <param name="scale">γ per channel.</param>
    /// <param name="bias">β per channel.</param>
    /// <param name="mean">Running mean per channel.</param>
    /// <param name="variance">Running variance per channel.</param>
    /// <param name="y">Output, same shape as <paramref name="x"/>.</param>
    /// <param name="g">(N, C, H·W).</param>
    /// <param name="epsilon">Added to the variance.</param>
    public static void BatchNorm(
        ReadOnlySpan<float> x, ReadOnlySpan<float> scale, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> mean, ReadOnlySpan<float> variance, Span<float> y, in ChannelGeometry g, float epsilon)
    {
        for (int i = 0; i < g.Length; i++)
        {
            int c = g.ChannelOf(i);
            double normalised = (x[i] - (double)mean[c]) / Math.Sqrt(variance[c] + (double)epsilon);
            y[i] = (float)((normalised * scale[c]) + bias[c]);
        }
    }
}

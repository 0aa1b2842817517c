namespace CnnGpu.Kernels.Reference;

/// <summary>Scalar ReLU, sigmoid and softmax.</summary>
public static class ReferenceActivations
{
    /// <summary><c>y = max(x, 0)</c>.</summary>
    /// <param name="x">Input.</param>
    /// <param name="y">Output.</param>
    public static void Relu(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = x[i] > 0f ? x[i] : 0f;
        }
    }

    /// <summary><c>y = 1 / (1 + e^(−x))</c>, evaluated without overflow for large |x|.</summary>
    /// <param name="x">Input.</param>
    /// <param name="y">Output.</param>
    public static void Sigmoid(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++)
        {
            double v = x[i];
            y[i] = (float)(v >= 0 ? 1.0 / (1.0 + Math.Exp(-v)) : Math.Exp(v) / (1.0 + Math.Exp(v)));
        }
    }

    /// <summary>Numerically stable softmax along the channel axis of <paramref name="g"/>.</summary>
    /// <param name="x">Input.</param>
    /// <param name="y">Output.</param>
    /// <param name="g">(rows, axis length, trailing elements).</param>
    public static void Softmax(ReadOnlySpan<float> x, Span<float> y, in ChannelGeometry g)
    {
        for (int o = 0; o < g.Outer; o++)
        {
            for (int inner = 0; inner < g.Inner; inner++)
            {
                int start = (o * g.Channels * g.Inner) + inner;
                double max = double.NegativeInfinity;
                for (int c = 0; c < g.Channels; c++)
                {
                    max = Math.Max(max, x[start + (c * g.Inner)]);
                }

                double sum = 0;
                for (int c = 0; c < g.Channels; c++)
                {
                    sum += Math.Exp(x[start + (c * g.Inner)] - max);
                }

                for (int c = 0; c < g.Channels; c++)
                {
                    y[start + (c * g.Inner)] = (float)(Math.Exp(x[start + (c * g.Inner)] - max) / sum);
                }
            }
        }
    }
}

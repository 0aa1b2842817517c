using ILGPU;

namespace CnnGpu.Kernels.Ilgpu;

/// <summary>ReLU, sigmoid and softmax kernels (semantics: <see cref="Reference.ReferenceActivations"/>).</summary>
internal static class ActivationKernels
{
    /// <summary><c>y = x &gt; 0 ? x : 0</c> (NaN maps to 0, as in the reference).</summary>
    public static void Relu(ArrayView<float> x, ArrayView<float> y, int length)
    {
        int step = GridStride.Step;
        for (int i = GridStride.Start; i < length; i += step)
        {
            float v = x[i];
            y[i] = v > 0f ? v : 0f;
        }
    }

    /// <summary>Overflow-free logistic function.</summary>
    public static void Sigmoid(ArrayView<float> x, ArrayView<float> y, int length)
    {
        int step = GridStride.Step;
        for (int i = GridStride.Start; i < length; i += step)
        {
            y[i] = DeviceMath.Sigmoid(x[i]);
        }
    }

    /// <summary>
    /// Max-subtracted softmax along the channel axis; one thread per (outer, inner) row, so the
    /// largest exponent is 0 and the denominator is at least 1 (finite for logits of ±1e4 and beyond).
    /// </summary>
    public static void Softmax(ArrayView<float> x, ArrayView<float> y, ChannelGeometry g)
    {
        int rows = g.Outer * g.Inner;
        int step = GridStride.Step;
        for (int row = GridStride.Start; row < rows; row += step)
        {
            int o = row / g.Inner;
            int inner = row - (o * g.Inner);
            int start = (o * g.Channels * g.Inner) + inner;
            float max = float.NegativeInfinity;
            for (int c = 0; c < g.Channels; c++)
            {
                float v = x[start + (c * g.Inner)];
                max = v > max ? v : max;
            }

            float sum = 0f;
            for (int c = 0; c < g.Channels; c++)
            {
                int index = start + (c * g.Inner);
                float e = DeviceMath.Exp(x[index] - max);
                y[index] = e;
                sum += e;
            }

            float inverse = 1f / sum;
            for (int c = 0; c < g.Channels; c++)
            {
                int index = start + (c * g.Inner);
                y[index] *= inverse;
            }
        }
    }
}

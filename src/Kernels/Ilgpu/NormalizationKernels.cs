using ILGPU;

namespace CnnGpu.Kernels.Ilgpu;

/// <summary>Local response normalisation and inference batch norm (semantics: <see cref="Reference.ReferenceNormalization"/>).</summary>
internal static class NormalizationKernels
{
    /// <summary>ONNX LRN, one thread per element summing squares over its clipped channel window.</summary>
    public static void Lrn(ArrayView<float> x, ArrayView<float> y, LrnGeometry g)
    {
        int length = g.Length;
        int spatial = g.Height * g.Width;
        float alphaOverSize = g.Alpha / g.Size;
        int step = GridStride.Step;
        for (int index = GridStride.Start; index < length; index += step)
        {
            int plane = index / spatial;
            int p = index - (plane * spatial);
            int n = plane / g.Channels;
            int c = plane - (n * g.Channels);
            int lo = c - g.Before;
            lo = lo < 0 ? 0 : lo;
            int hi = c + g.After;
            hi = hi > g.Channels - 1 ? g.Channels - 1 : hi;
            int imageBase = n * g.Channels * spatial;
            float sumSquares = 0f;
            for (int j = lo; j <= hi; j++)
            {
                float v = x[imageBase + (j * spatial) + p];
                sumSquares += v * v;
            }

            float denominator = DeviceMath.PowPositive(g.Bias + (alphaOverSize * sumSquares), g.Beta);
            y[index] = x[index] / denominator;
        }
    }

    /// <summary><c>y = scale·(x − mean)/√(var + ε) + bias</c> per channel.</summary>
    public static void BatchNorm(
        ArrayView<float> x, ArrayView<float> scale, ArrayView<float> bias,
        ArrayView<float> mean, ArrayView<float> variance, ArrayView<float> y, ChannelGeometry g, float epsilon)
    {
        int length = g.Length;
        int step = GridStride.Step;
        for (int i = GridStride.Start; i < length; i += step)
        {
            int c = g.ChannelOf(i);
            float normalised = (x[i] - mean[c]) / MathF.Sqrt(variance[c] + epsilon);
            y[i] = (normalised * scale[c]) + bias[c];
        }
    }
}

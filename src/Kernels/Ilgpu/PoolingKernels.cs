using ILGPU;

namespace CnnGpu.Kernels.Ilgpu;

/// <summary>Max, average and global average pooling (semantics: <see cref="Reference.ReferencePooling"/>).</summary>
internal static class PoolingKernels
{
    /// <summary>One thread per output; padding never wins, an all-padding window yields −∞.</summary>
    public static void MaxPool(ArrayView<float> x, ArrayView<float> y, PoolGeometry g)
    {
        int length = g.OutputLength;
        int step = GridStride.Step;
        for (int index = GridStride.Start; index < length; index += step)
        {
            int ow = index % g.OutWidth;
            int rest = index / g.OutWidth;
            int oh = rest % g.OutHeight;
            int plane = rest / g.OutHeight;
            int inBase = plane * g.InHeight * g.InWidth;
            int hStart = (oh * g.StrideH) - g.PadTop;
            int wStart = (ow * g.StrideW) - g.PadLeft;
            int h0 = hStart < 0 ? 0 : hStart;
            int w0 = wStart < 0 ? 0 : wStart;
            int h1 = hStart + g.KernelH;
            h1 = h1 > g.InHeight ? g.InHeight : h1;
            int w1 = wStart + g.KernelW;
            w1 = w1 > g.InWidth ? g.InWidth : w1;
            float best = float.NegativeInfinity;
            for (int ih = h0; ih < h1; ih++)
            {
                for (int iw = w0; iw < w1; iw++)
                {
                    best = MathF.Max(best, x[inBase + (ih * g.InWidth) + iw]);
                }
            }

            y[index] = best;
        }
    }

    /// <summary>
    /// One thread per output. The divisor counts the window clipped to the padded extent when
    /// <see cref="PoolGeometry.CountIncludePad"/> is set (ceil-mode overhang past the bottom/right
    /// padding never counts), else only the real input positions; an empty window yields 0.
    /// </summary>
    public static void AvgPool(ArrayView<float> x, ArrayView<float> y, PoolGeometry g)
    {
        int length = g.OutputLength;
        int step = GridStride.Step;
        for (int index = GridStride.Start; index < length; index += step)
        {
            int ow = index % g.OutWidth;
            int rest = index / g.OutWidth;
            int oh = rest % g.OutHeight;
            int plane = rest / g.OutHeight;
            int inBase = plane * g.InHeight * g.InWidth;

            int hStart = (oh * g.StrideH) - g.PadTop;
            int hEndPadded = hStart + g.KernelH;
            hEndPadded = hEndPadded > g.InHeight + g.PadBottom ? g.InHeight + g.PadBottom : hEndPadded;
            int h0 = hStart < 0 ? 0 : hStart;
            int h1 = hEndPadded > g.InHeight ? g.InHeight : hEndPadded;

            int wStart = (ow * g.StrideW) - g.PadLeft;
            int wEndPadded = wStart + g.KernelW;
            wEndPadded = wEndPadded > g.InWidth + g.PadRight ? g.InWidth + g.PadRight : wEndPadded;
            int w0 = wStart < 0 ? 0 : wStart;
            int w1 = wEndPadded > g.InWidth ? g.InWidth : wEndPadded;

            float sum = 0f;
            for (int ih = h0; ih < h1; ih++)
            {
                for (int iw = w0; iw < w1; iw++)
                {
                    sum += x[inBase + (ih * g.InWidth) + iw];
                }
            }

            int count = g.CountIncludePad
                ? (hEndPadded - hStart) * (wEndPadded - wStart)
                : (h1 - h0) * (w1 - w0);
            y[index] = count > 0 ? sum / count : 0f;
        }
    }

    /// <summary>Mean of each channel plane, one thread per plane.</summary>
    public static void GlobalAvgPool(ArrayView<float> x, ArrayView<float> y, int planes, int spatial)
    {
        int step = GridStride.Step;
        for (int p = GridStride.Start; p < planes; p += step)
        {
            int start = p * spatial;
            float sum = 0f;
            for (int i = 0; i < spatial; i++)
            {
                sum += x[start + i];
            }

            y[p] = sum / spatial;
        }
    }
}

namespace CnnGpu.Kernels.Reference;

/// <summary>Scalar max, average and global average pooling.</summary>
public static class ReferencePooling
{
    /// <summary>Max over each window; padding never wins (an all-padding window yields −∞).</summary>
    /// <param name="x">Input, <c>[N, C, H, W]</c>.</param>
    /// <param name="y">Output, <c>[N, C, OH, OW]</c>.</param>
    /// <param name="g">Window geometry.</param>
    public static void MaxPool(ReadOnlySpan<float> x, Span<float> y, in PoolGeometry g)
    {
        for (int plane = 0; plane < g.Batch * g.Channels; plane++)
        {
            int inBase = plane * g.InHeight * g.InWidth;
            for (int oh = 0; oh < g.OutHeight; oh++)
            {
                for (int ow = 0; ow < g.OutWidth; ow++)
                {
                    float best = float.NegativeInfinity;
                    for (int r = 0; r < g.KernelH; r++)
                    {
                        int ih = (oh * g.StrideH) - g.PadTop + r;
                        for (int s = 0; s < g.KernelW; s++)
                        {
                            int iw = (ow * g.StrideW) - g.PadLeft + s;
                            if (ih >= 0 && ih < g.InHeight && iw >= 0 && iw < g.InWidth)
                            {
                                best = MathF.Max(best, x[inBase + (ih * g.InWidth) + iw]);
                            }
                        }
                    }

                    y[(plane * g.OutHeight + oh) * g.OutWidth + ow] = best;
                }
            }
        }
    }

    /// <summary>Average over each window (see <see cref="PoolGeometry"/> for the divisor rule).</summary>
    /// <param name="x">Input, <c>[N, C, H, W]</c>.</param>
    /// <param name="y">Output, <c>[N, C, OH, OW]</c>.</param>
    /// <param name="g">Window geometry.</param>
    public static void AvgPool(ReadOnlySpan<float> x, Span<float> y, in PoolGeometry g)
    {
        for (int plane = 0; plane < g.Batch * g.Channels; plane++)
        {
            int inBase = plane * g.InHeight * g.InWidth;
            for (int oh = 0; oh < g.OutHeight; oh++)
            {
                int hStart = (oh * g.StrideH) - g.PadTop;
                int hEndPadded = Math.Min(hStart + g.KernelH, g.InHeight + g.PadBottom);
                int h0 = Math.Max(hStart, 0);
                int h1 = Math.Min(hEndPadded, g.InHeight);
                for (int ow = 0; ow < g.OutWidth; ow++)
                {
                    int wStart = (ow * g.StrideW) - g.PadLeft;
                    int wEndPadded = Math.Min(wStart + g.KernelW, g.InWidth + g.PadRight);
                    int w0 = Math.Max(wStart, 0);
                    int w1 = Math.Min(wEndPadded, g.InWidth);
                    double sum = 0;
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
                    y[(plane * g.OutHeight + oh) * g.OutWidth + ow] = count > 0 ? (float)(sum / count) : 0f;
                }
            }
        }
    }

    /// <summary>Mean of each channel plane: <c>[N, C, H, W] → [N, C, 1, 1]</c>.</summary>
    /// <param name="x">Input.</param>
    /// <param name="y">Output, one value per (n, c).</param>
    /// <param name="planes">N·C.</param>
    /// <param name="spatial">H·W.</param>
    public static void GlobalAvgPool(ReadOnlySpan<float> x, Span<float> y, int planes, int spatial)
    {
        for (int p = 0; p < planes; p++)
        {
            double sum = 0;
            for (int i = 0; i < spatial; i++)
            {
                sum += x[(p * spatial) + i];
            }

            y[p] = (float)(sum / spatial);
        }
    }
}

namespace CnnGpu.Kernels.Reference;

/// <summary>Scalar direct convolution: the truth every optimised convolution is tested against.</summary>
public static class ReferenceConvolution
{
    /// <summary>Computes <c>y = conv(x, w) + bias</c> for NCHW <paramref name="x"/>, accumulating in double.</summary>
    /// <param name="x">Input, <c>[N, C, H, W]</c>.</param>
    /// <param name="weights">Filters, <c>[K, C/groups, KH, KW]</c>.</param>
    /// <param name="bias">Per-output-channel bias, <c>[K]</c>; ignored unless <see cref="ConvGeometry.HasBias"/>.</param>
    /// <param name="y">Output, <c>[N, K, OH, OW]</c>.</param>
    /// <param name="g">The convolution's geometry.</param>
    public static void Conv2d(ReadOnlySpan<float> x, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, Span<float> y, in ConvGeometry g)
    {
        int cinG = g.InChannelsPerGroup;
        int coutG = g.OutChannelsPerGroup;
        for (int n = 0; n < g.Batch; n++)
        {
            for (int k = 0; k < g.OutChannels; k++)
            {
                int group = k / coutG;
                for (int oh = 0; oh < g.OutHeight; oh++)
                {
                    for (int ow = 0; ow < g.OutWidth; ow++)
                    {
                        double acc = g.HasBias ? bias[k] : 0.0;
                        for (int c = 0; c < cinG; c++)
                        {
                            int inChannel = (group * cinG) + c;
                            for (int r = 0; r < g.KernelH; r++)
                            {
                                int ih = (oh * g.StrideH) - g.PadTop + (r * g.DilationH);
                                if (ih < 0 || ih >= g.InHeight)
                                {
                                    continue;
                                }

                                for (int s = 0; s < g.KernelW; s++)
                                {
                                    int iw = (ow * g.StrideW) - g.PadLeft + (s * g.DilationW);
                                    if (iw < 0 || iw >= g.InWidth)
                                    {
                                        continue;
                                    }

                                    float xv = x[(((n * g.InChannels) + inChannel) * g.InHeight + ih) * g.InWidth + iw];
                                    float wv = weights[(((k * cinG) + c) * g.KernelH + r) * g.KernelW + s];
                                    acc += (double)xv * wv;
                                }
                            }
                        }

                        y[(((n * g.OutChannels) + k) * g.OutHeight + oh) * g.OutWidth + ow] = g.Activate((float)acc);
                    }
                }
            }
        }
    }
}

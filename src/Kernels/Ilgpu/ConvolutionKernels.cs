using ILGPU;

namespace CnnGpu.Kernels.Ilgpu;

/// <summary>Direct 2-D convolution (semantics: <see cref="Reference.ReferenceConvolution"/>).</summary>
internal static class ConvolutionKernels
{
    /// <summary>
    /// One thread per output element <c>(n, k, oh, ow)</c>: dilation, asymmetric padding (only the
    /// top/left pads shift the window; the output size encodes the rest) and groups, depthwise included.
    /// <paramref name="bias"/> is read only when <see cref="ConvGeometry.HasBias"/> is set.
    /// </summary>
    public static void Direct(ArrayView<float> x, ArrayView<float> w, ArrayView<float> bias, ArrayView<float> y, ConvGeometry g)
    {
        int length = g.OutputLength;
        int cinG = g.InChannelsPerGroup;
        int coutG = g.OutChannelsPerGroup;
        int plane = g.InHeight * g.InWidth;
        int filter = g.KernelH * g.KernelW;
        int step = GridStride.Step;
        for (int index = GridStride.Start; index < length; index += step)
        {
            int ow = index % g.OutWidth;
            int rest = index / g.OutWidth;
            int oh = rest % g.OutHeight;
            rest /= g.OutHeight;
            int k = rest % g.OutChannels;
            int n = rest / g.OutChannels;
            int group = k / coutG;

            int ihBase = (oh * g.StrideH) - g.PadTop;
            int iwBase = (ow * g.StrideW) - g.PadLeft;
            int xChannel = ((n * g.InChannels) + (group * cinG)) * plane;
            int wFilter = k * cinG * filter;

            float acc = g.HasBias ? bias[k] : 0f;
            for (int c = 0; c < cinG; c++)
            {
                int xBase = xChannel + (c * plane);
                int wBase = wFilter + (c * filter);
                for (int r = 0; r < g.KernelH; r++)
                {
                    int ih = ihBase + (r * g.DilationH);
                    if (ih < 0 || ih >= g.InHeight)
                    {
                        continue;
                    }

                    int xRow = xBase + (ih * g.InWidth);
                    int wRow = wBase + (r * g.KernelW);
                    for (int s = 0; s < g.KernelW; s++)
                    {
                        int iw = iwBase + (s * g.DilationW);
                        if (iw >= 0 && iw < g.InWidth)
                        {
                            acc += x[xRow + iw] * w[wRow + s];
                        }
                    }
                }
            }

            y[index] = g.Activate(acc);
        }
    }
}

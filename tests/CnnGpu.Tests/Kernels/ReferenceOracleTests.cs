using CnnGpu.Kernels;
using CnnGpu.Kernels.Reference;
using CnnGpu.Runtime.Planning;
using CnnGpu.Tests.Support;

namespace CnnGpu.Tests.Kernels;

/// <summary>
/// The reference convolution is itself checked against an independent formulation: the input is
/// first materialised with its zero padding, then every output is a dot product of a gathered
/// patch with the filter (no bounds checks, different loop order).
/// </summary>
public sealed class ReferenceOracleTests
{
    public static TheoryData<string> ConvCases => [.. ConvCase.Grid().Select(c => c.ToString())];

    [Theory]
    [MemberData(nameof(ConvCases))]
    public void Reference_conv_matches_padded_patch_oracle(string spec)
    {
        var c = ConvCase.Parse(spec);
        var x = RandomData.Symmetric(1, c.N, c.C, c.H, c.W).Data;
        var w = RandomData.Symmetric(2, c.Filters, c.C / c.Groups, c.KernelH, c.KernelW).Data;
        var bias = RandomData.Symmetric(3, c.Filters).Data;
        int oh = ShapeInference.WindowOutput(c.H, c.KernelH, c.StrideH, c.Pads.Top, c.Pads.Bottom, c.DilationH);
        int ow = ShapeInference.WindowOutput(c.W, c.KernelW, c.StrideW, c.Pads.Left, c.Pads.Right, c.DilationW);
        var g = new ConvGeometry(c.N, c.C, c.H, c.W, c.Filters, oh, ow, c.KernelH, c.KernelW, c.StrideH, c.StrideW,
            c.DilationH, c.DilationW, c.Pads.Top, c.Pads.Left, c.Groups, c.Bias);

        var actual = new float[c.N * c.Filters * oh * ow];
        ReferenceConvolution.Conv2d(x, w, bias, actual, g);
        Tolerance.AssertClose(Oracle(c, x, w, bias, oh, ow), actual, spec, 1e-6f, 1e-6f);
    }

    private static float[] Oracle(ConvCase c, float[] x, float[] w, float[] bias, int oh, int ow)
    {
        int ph = c.H + c.Pads.Top + c.Pads.Bottom, pw = c.W + c.Pads.Left + c.Pads.Right;
        var padded = new double[c.N, c.C, ph, pw];
        for (int n = 0; n < c.N; n++)
        {
            for (int ch = 0; ch < c.C; ch++)
            {
                for (int i = 0; i < c.H; i++)
                {
                    for (int j = 0; j < c.W; j++)
                    {
                        padded[n, ch, i + c.Pads.Top, j + c.Pads.Left] = x[(((n * c.C) + ch) * c.H + i) * c.W + j];
                    }
                }
            }
        }

        int cinG = c.C / c.Groups, coutG = c.Filters / c.Groups, patchLength = cinG * c.KernelH * c.KernelW;
        var result = new float[c.N * c.Filters * oh * ow];
        var patch = new double[patchLength];
        for (int n = 0; n < c.N; n++)
        {
            for (int group = 0; group < c.Groups; group++)
            {
                for (int i = 0; i < oh; i++)
                {
                    for (int j = 0; j < ow; j++)
                    {
                        int p = 0;
                        for (int ch = 0; ch < cinG; ch++)
                        {
                            for (int r = 0; r < c.KernelH; r++)
                            {
                                for (int s = 0; s < c.KernelW; s++)
                                {
                                    patch[p++] = padded[n, (group * cinG) + ch, (i * c.StrideH) + (r * c.DilationH), (j * c.StrideW) + (s * c.DilationW)];
                                }
                            }
                        }

                        for (int f = group * coutG; f < (group + 1) * coutG; f++)
                        {
                            double dot = c.Bias ? bias[f] : 0;
                            for (int q = 0; q < patchLength; q++)
                            {
                                dot += patch[q] * w[(f * patchLength) + q];
                            }

                            result[(((n * c.Filters) + f) * oh + i) * ow + j] = (float)dot;
                        }
                    }
                }
            }
        }

        return result;
    }
}

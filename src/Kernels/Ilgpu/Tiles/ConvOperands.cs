using System.Runtime.CompilerServices;
using ILGPU;

namespace CnnGpu.Kernels.Ilgpu.Tiles;

/// <summary>
/// A convolution's filters as the A operand (rows = output channels of a group, k = (c, r, s)), prepacked
/// once at prepare time as <c>[group][k][m]</c> (<see cref="ImplicitGemmConv.PackWeights"/>) so that
/// consecutive threads read consecutive output channels: coalesced.
/// </summary>
/// <param name="M">Output channels per group.</param>
/// <param name="K">Reduction length <c>C/groups · R · S</c>.</param>
internal readonly record struct PackedFilters(int M, int K) : ITileOperand<int>
{
    public int AlongOuter => 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Locate(int slice, int outer) => (slice * K * M) + outer;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Load(ArrayView<float> data, ArrayView<int> table, in int site, int k) => data[site + (k * M)];
}

/// <summary>Where one output pixel's receptive field starts in the input (B operand of the implicit GEMM).</summary>
/// <param name="Base">Offset of <c>x[n, group·C/groups, top, left]</c> (may point outside when the window starts in padding).</param>
/// <param name="Top">First input row of the window (negative in the top padding).</param>
/// <param name="Left">First input column of the window.</param>
internal readonly record struct WindowSite(int Base, int Top, int Left);

/// <summary>
/// The input of a convolution as the B operand without materialising im2col: column j = (n, p, q) is an
/// output pixel, row k = (c, r, s) a filter tap. The tap's offset and its row/column displacement come from a
/// per-node table (<see cref="ImplicitGemmConv.Im2ColTable"/>: <c>table[2k] = c·H·W + r·dh·W + s·dw</c>,
/// <c>table[2k+1] = (r·dh) &lt;&lt; 16 | s·dw</c>), so a load is two table reads (the same for every thread of
/// a k row: broadcast) and two bounds checks, with no division in the K loop.
/// </summary>
internal readonly record struct Im2ColInput(
    int InChannels, int ChannelsPerGroup, int InHeight, int InWidth, int OutHeight, int OutWidth,
    int StrideH, int StrideW, int PadTop, int PadLeft) : ITileOperand<WindowSite>
{
    public int AlongOuter => 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public WindowSite Locate(int slice, int outer)
    {
        int pixels = OutHeight * OutWidth;
        int n = outer / pixels;
        int pixel = outer - (n * pixels);
        int p = pixel / OutWidth;
        int q = pixel - (p * OutWidth);
        int top = (p * StrideH) - PadTop;
        int left = (q * StrideW) - PadLeft;
        int plane = InHeight * InWidth;
        int channel = (n * InChannels) + (slice * ChannelsPerGroup);
        return new WindowSite((channel * plane) + (top * InWidth) + left, top, left);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Load(ArrayView<float> data, ArrayView<int> table, in WindowSite site, int k)
    {
        int offset = table[2 * k];
        int shift = table[(2 * k) + 1];
        int ih = site.Top + (shift >> 16);
        int iw = site.Left + (shift & 0xFFFF);
        return (uint)ih < (uint)InHeight && (uint)iw < (uint)InWidth ? data[site.Base + offset] : 0f;
    }
}

/// <summary>
/// The input of a 1×1, stride-1, unpadded convolution as the B operand: column j = (n, pixel), row k = input
/// channel of the group; element <c>x[n, group·C/groups + k, pixel]</c>, no table and no bounds checks.
/// </summary>
internal readonly record struct PointwiseInput(int InChannels, int ChannelsPerGroup, int Pixels) : ITileOperand<int>
{
    public int AlongOuter => 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Locate(int slice, int outer)
    {
        int n = outer / Pixels;
        int pixel = outer - (n * Pixels);
        return ((((n * InChannels) + (slice * ChannelsPerGroup)) * Pixels) + pixel);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Load(ArrayView<float> data, ArrayView<int> table, in int site, int k) => data[site + (k * Pixels)];
}

/// <summary>
/// A convolution's output as C (row i = output channel of the group, column j = (n, pixel)) with the fused
/// epilogue: bias, the residual sum of a fused skip connection, then ReLU or ReLU6. Flags are ints (ILGPU
/// kernel parameters cannot hold bools).
/// </summary>
internal readonly record struct ConvOutput(
    int OutChannels, int ChannelsPerGroup, int Pixels, int HasBias, int HasResidual, int Relu, int Relu6) : ITileOutput<int>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Locate(int slice, int j)
    {
        int n = j / Pixels;
        int pixel = j - (n * Pixels);
        return ((((n * OutChannels) + (slice * ChannelsPerGroup)) * Pixels) + pixel);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(ArrayView<float> c, ArrayView<float> bias, ArrayView<float> residual, in int site, int slice, int i, float v)
    {
        int index = site + (i * Pixels);
        if (HasBias != 0)
        {
            v += bias[(slice * ChannelsPerGroup) + i];
        }

        if (HasResidual != 0)
        {
            v += residual[index];
        }

        if (Relu != 0)
        {
            v = v < 0f ? 0f : Relu6 != 0 && v > 6f ? 6f : v;
        }

        c[index] = v;
    }
}

namespace CnnGpu.Kernels.Ilgpu;

/// <summary>
/// Host-side preparation of the implicit-GEMM convolution (done once per node at prepare time): the filters
/// rearranged into the layout the tiles read, and the im2col offset table of the node's geometry.
/// </summary>
/// <remarks>
/// The convolution of one group is the product <c>W (M × K) · im2col(x) (K × N)</c> with M = output channels
/// per group, K = C/groups·R·S and N = batch·P·Q (one column per output pixel of every image, so a batch fills
/// the tiles). Neither operand is materialised: the kernel reads filters from the packed copy and input taps
/// through the table.
/// </remarks>
public static class ImplicitGemmConv
{
    /// <summary>Rows of the GEMM (output channels per group).</summary>
    /// <param name="g">The convolution.</param>
    public static int M(in ConvGeometry g) => g.OutChannelsPerGroup;

    /// <summary>Columns of the GEMM (output pixels of the whole batch).</summary>
    /// <param name="g">The convolution.</param>
    public static int N(in ConvGeometry g) => g.Batch * g.OutHeight * g.OutWidth;

    /// <summary>Reduction length of the GEMM (C/groups·R·S).</summary>
    /// <param name="g">The convolution.</param>
    public static int K(in ConvGeometry g) => g.InChannelsPerGroup * g.KernelH * g.KernelW;

    /// <summary>
    /// Filters <c>[Kout, C/groups, R, S]</c> rearranged to <c>[group][k = (c, r, s)][m]</c>: a K-slice of the A tile
    /// is then a contiguous run of output channels per k, read by consecutive threads.
    /// </summary>
    /// <param name="weights">The filters as stored in the graph.</param>
    /// <param name="g">The convolution.</param>
    public static float[] PackWeights(ReadOnlySpan<float> weights, in ConvGeometry g)
    {
        int m = M(g), k = K(g);
        if (weights.Length < (long)g.Groups * m * k)
        {
            throw new ArgumentException($"Conv2d: {weights.Length} filter values, the geometry needs {(long)g.Groups * m * k}.", nameof(weights));
        }

        var packed = new float[g.Groups * m * k];
        for (int group = 0; group < g.Groups; group++)
        {
            for (int row = 0; row < m; row++)
            {
                var filter = weights.Slice(((group * m) + row) * k, k);
                for (int tap = 0; tap < k; tap++)
                {
                    packed[(((group * k) + tap) * m) + row] = filter[tap];
                }
            }
        }

        return packed;
    }

    /// <summary>
    /// The im2col table: for tap k = (c, r, s), <c>[2k] = c·H·W + r·dh·W + s·dw</c> (its offset from the window's
    /// origin) and <c>[2k+1] = (r·dh) &lt;&lt; 16 | s·dw</c> (its displacement, for the padding checks).
    /// </summary>
    /// <param name="g">The convolution.</param>
    public static int[] Im2ColTable(in ConvGeometry g)
    {
        int spanH = (g.KernelH - 1) * g.DilationH, spanW = (g.KernelW - 1) * g.DilationW;
        if (spanH > short.MaxValue || spanW > 0xFFFF)
        {
            throw new ArgumentException($"Conv2d: a dilated window of {spanH + 1}×{spanW + 1} does not fit the implicit-GEMM table.", nameof(g));
        }

        int plane = g.InHeight * g.InWidth;
        var table = new int[2 * K(g)];
        int tap = 0;
        for (int c = 0; c < g.InChannelsPerGroup; c++)
        {
            for (int r = 0; r < g.KernelH; r++)
            {
                for (int s = 0; s < g.KernelW; s++, tap++)
                {
                    int dr = r * g.DilationH, ds = s * g.DilationW;
                    table[2 * tap] = (c * plane) + (dr * g.InWidth) + ds;
                    table[(2 * tap) + 1] = (dr << 16) | ds;
                }
            }
        }

        return table;
    }
}

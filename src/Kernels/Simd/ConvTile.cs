using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace CnnGpu.Kernels.Simd;

/// <summary>
/// Strides and epilogue of one <see cref="ConvTile"/> call. Input strides are in floats from the tile's first
/// input element; weight strides walk the packed panel (see <see cref="ConvWeightPacking"/>).
/// </summary>
#pragma warning disable CA1051 // Passed by pointer to the microkernel: plain fields are plain loads, with no accessor in the way.
public unsafe struct ConvTileArgs
{
    /// <summary>Input channel blocks to reduce over.</summary>
    public int Blocks;

    /// <summary>Input floats between consecutive channel blocks.</summary>
    public nint XBlockStride;

    /// <summary>Kernel rows to reduce over (already clipped to the image).</summary>
    public int Rows;

    /// <summary>Input floats between kernel rows (image row stride × dilation).</summary>
    public nint XRowStride;

    /// <summary>Kernel columns to reduce over (already clipped to the image).</summary>
    public int Cols;

    /// <summary>Input floats between kernel columns (pixel stride × dilation).</summary>
    public nint XColStride;

    /// <summary>Channels inside one block (the vector width for blocked input; all channels for NCHW input).</summary>
    public int ChannelsPerBlock;

    /// <summary>Input floats between consecutive channels of a block (1 blocked; H·W for NCHW input).</summary>
    public nint XChannelStride;

    /// <summary>Packed weight floats per input block.</summary>
    public nint WBlockStride;

    /// <summary>Packed weight floats per kernel row.</summary>
    public nint WRowStride;

    /// <summary>Packed weight floats per kernel column.</summary>
    public nint WColStride;

    /// <summary>Output floats between the tile's consecutive pixels.</summary>
    public nint YPixelStride;

    /// <summary>Output floats between the tile's consecutive output channel blocks.</summary>
    public nint YBlockStride;

    /// <summary>OB·W bias values, or null.</summary>
    public float* Bias;

    /// <summary>Whether a residual is added before the activation (a fused skip connection).</summary>
    public bool HasResidual;

    /// <summary>Floats from an output element to the same element of the residual, a tensor laid out exactly like the output.</summary>
    public nint ResidualOffset;

    /// <summary>Apply ReLU before storing.</summary>
    public bool Relu;

    /// <summary>With <see cref="Relu"/>, also cap at 6 (ReLU6).</summary>
    public bool Relu6;
}
#pragma warning restore CA1051

/// <summary>
/// The convolution microkernel: an OB×R register tile of output vectors (OB blocks of W output channels
/// × R output pixels) accumulated over input channels and the kernel window, on weights packed as
/// <c>[block][kh][kw][channel][OB][W]</c>. Per input channel it loads OB weight vectors and broadcasts R
/// input values, then issues OB·R FMAs — 24 of them for 2×12, enough to hide FMA latency with the
/// loads to spare. The input pixel stride is a compile-time constant so every
/// broadcast address is a constant offset. Serves direct, pointwise, NCHW-input and fully connected layers.
/// </summary>
public static unsafe class ConvTile
{
    // How far ahead of the weights in use to prefetch: 16 KB, ~1000 cycles of FMAs, a few memory latencies.
    private const int PrefetchFloats = 4096;

    /// <summary>Largest R (pixels per tile) instantiated.</summary>
    public const int MaxPixels = 14;

    /// <summary>
    /// Most pixels per register tile at <paramref name="width"/> floats per vector: 2×14 accumulators take 28 of the
    /// 32 vector registers of AVX-512 and NEON (the JIT keeps all of them in registers); 16-register ISAs take 2×6.
    /// </summary>
    /// <param name="width">Floats per vector.</param>
    public static int PreferredPixels(int width) => width == 16 || AdvSimd.Arm64.IsSupported ? 14 : 6;

    /// <summary>Computes one tile and stores it with the epilogue (bias, residual, ReLU).</summary>
    /// <typeparam name="TS">SIMD width.</typeparam>
    /// <typeparam name="TV">Its vector type.</typeparam>
    /// <typeparam name="TOB">Output channel blocks (1 or 2).</typeparam>
    /// <typeparam name="TR">Output pixels (1 … <see cref="MaxPixels"/>).</typeparam>
    /// <typeparam name="TP">Input floats between the tile's consecutive pixels.</typeparam>
    /// <param name="x">Input at the first pixel's first tap.</param>
    /// <param name="w">Packed weights at the same tap.</param>
    /// <param name="y">Output at the first pixel, first block.</param>
    /// <param name="a">Strides and epilogue.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TS, TV, TOB, TR, TP>(float* x, float* w, float* y, ConvTileArgs* a)
        where TS : struct, ISimd<TV>
        where TV : unmanaged
        where TOB : struct, IStaticInt
        where TR : struct, IStaticInt
        where TP : struct, IStaticInt
    {
        int ob = TOB.Value, r = TR.Value;
        nint p = TP.Value, wStep = ob * TS.Width;
        TV a0 = TS.Zero, a1 = TS.Zero, a2 = TS.Zero, a3 = TS.Zero, a4 = TS.Zero, a5 = TS.Zero, a6 = TS.Zero, a7 = TS.Zero, a8 = TS.Zero, a9 = TS.Zero, a10 = TS.Zero, a11 = TS.Zero, a12 = TS.Zero, a13 = TS.Zero;
        TV b0 = TS.Zero, b1 = TS.Zero, b2 = TS.Zero, b3 = TS.Zero, b4 = TS.Zero, b5 = TS.Zero, b6 = TS.Zero, b7 = TS.Zero, b8 = TS.Zero, b9 = TS.Zero, b10 = TS.Zero, b11 = TS.Zero, b12 = TS.Zero, b13 = TS.Zero;
        int blocks = a->Blocks, rows = a->Rows, cols = a->Cols, channels = a->ChannelsPerBlock;
        nint xChannel = a->XChannelStride;
        for (int cb = 0; cb < blocks; cb++)
        {
            for (int kh = 0; kh < rows; kh++)
            {
                float* xr = x + (cb * a->XBlockStride) + (kh * a->XRowStride);
                float* wr = w + (cb * a->WBlockStride) + (kh * a->WRowStride);
                for (int kw = 0; kw < cols; kw++)
                {
                    float* xp = xr + (kw * a->XColStride);
                    float* wp = wr + (kw * a->WColStride);
                    for (int c = 0; c < channels; c++, xp += xChannel, wp += wStep)
                    {
                        // Weights stream front to back through a panel that is often not in cache yet (a layer's
                        // first tile): fetching a few KB ahead hides the memory latency the prefetcher alone does not.
                        if (Sse.IsSupported)
                        {
                            Sse.Prefetch0(wp + PrefetchFloats);
                            if (ob > 1)
                            {
                                Sse.Prefetch0(wp + PrefetchFloats + TS.Width);
                            }
                        }

                        TV w0 = TS.Load(wp);
                        TV w1 = ob > 1 ? TS.Load(wp + TS.Width) : w0;
                        TV v;
                        { v = TS.Broadcast(xp[0]); a0 = TS.Fma(v, w0, a0); if (ob > 1) { b0 = TS.Fma(v, w1, b0); } }
                        if (r > 1) { v = TS.Broadcast(xp[1 * p]); a1 = TS.Fma(v, w0, a1); if (ob > 1) { b1 = TS.Fma(v, w1, b1); } }
                        if (r > 2) { v = TS.Broadcast(xp[2 * p]); a2 = TS.Fma(v, w0, a2); if (ob > 1) { b2 = TS.Fma(v, w1, b2); } }
                        if (r > 3) { v = TS.Broadcast(xp[3 * p]); a3 = TS.Fma(v, w0, a3); if (ob > 1) { b3 = TS.Fma(v, w1, b3); } }
                        if (r > 4) { v = TS.Broadcast(xp[4 * p]); a4 = TS.Fma(v, w0, a4); if (ob > 1) { b4 = TS.Fma(v, w1, b4); } }
                        if (r > 5) { v = TS.Broadcast(xp[5 * p]); a5 = TS.Fma(v, w0, a5); if (ob > 1) { b5 = TS.Fma(v, w1, b5); } }
                        if (r > 6) { v = TS.Broadcast(xp[6 * p]); a6 = TS.Fma(v, w0, a6); if (ob > 1) { b6 = TS.Fma(v, w1, b6); } }
                        if (r > 7) { v = TS.Broadcast(xp[7 * p]); a7 = TS.Fma(v, w0, a7); if (ob > 1) { b7 = TS.Fma(v, w1, b7); } }
                        if (r > 8) { v = TS.Broadcast(xp[8 * p]); a8 = TS.Fma(v, w0, a8); if (ob > 1) { b8 = TS.Fma(v, w1, b8); } }
                        if (r > 9) { v = TS.Broadcast(xp[9 * p]); a9 = TS.Fma(v, w0, a9); if (ob > 1) { b9 = TS.Fma(v, w1, b9); } }
                        if (r > 10) { v = TS.Broadcast(xp[10 * p]); a10 = TS.Fma(v, w0, a10); if (ob > 1) { b10 = TS.Fma(v, w1, b10); } }
                        if (r > 11) { v = TS.Broadcast(xp[11 * p]); a11 = TS.Fma(v, w0, a11); if (ob > 1) { b11 = TS.Fma(v, w1, b11); } }
                        if (r > 12) { v = TS.Broadcast(xp[12 * p]); a12 = TS.Fma(v, w0, a12); if (ob > 1) { b12 = TS.Fma(v, w1, b12); } }
                        if (r > 13) { v = TS.Broadcast(xp[13 * p]); a13 = TS.Fma(v, w0, a13); if (ob > 1) { b13 = TS.Fma(v, w1, b13); } }
                    }
                }
            }
        }

        nint yp = a->YPixelStride, yb = a->YBlockStride;
        TV bias0 = a->Bias is null ? TS.Zero : TS.Load(a->Bias);
        TV bias1 = a->Bias is null || ob < 2 ? TS.Zero : TS.Load(a->Bias + TS.Width);
        nint res = a->HasResidual ? a->ResidualOffset : 0;
        bool hasResidual = a->HasResidual;
        bool relu = a->Relu;
        TV ceiling = TS.Broadcast(a->Relu6 ? 6f : float.PositiveInfinity);
        { Store<TS, TV>(y + (0 * yp), a0, bias0, hasResidual, res, relu, ceiling); if (ob > 1) { Store<TS, TV>(y + (0 * yp) + yb, b0, bias1, hasResidual, res, relu, ceiling); } }
        if (r > 1) { Store<TS, TV>(y + (1 * yp), a1, bias0, hasResidual, res, relu, ceiling); if (ob > 1) { Store<TS, TV>(y + (1 * yp) + yb, b1, bias1, hasResidual, res, relu, ceiling); } }
        if (r > 2) { Store<TS, TV>(y + (2 * yp), a2, bias0, hasResidual, res, relu, ceiling); if (ob > 1) { Store<TS, TV>(y + (2 * yp) + yb, b2, bias1, hasResidual, res, relu, ceiling); } }
        if (r > 3) { Store<TS, TV>(y + (3 * yp), a3, bias0, hasResidual, res, relu, ceiling); if (ob > 1) { Store<TS, TV>(y + (3 * yp) + yb, b3, bias1, hasResidual, res, relu, ceiling); } }
        if (r > 4) { Store<TS, TV>(y + (4 * yp), a4, bias0, hasResidual, res, relu, ceiling); if (ob > 1) { Store<TS, TV>(y + (4 * yp) + yb, b4, bias1, hasResidual, res, relu, ceiling); } }
        if (r > 5) { Store<TS, TV>(y + (5 * yp), a5, bias0, hasResidual, res, relu, ceiling); if (ob > 1) { Store<TS, TV>(y + (5 * yp) + yb, b5, bias1, hasResidual, res, relu, ceiling); } }
        if (r > 6) { Store<TS, TV>(y + (6 * yp), a6, bias0, hasResidual, res, relu, ceiling); if (ob > 1) { Store<TS, TV>(y + (6 * yp) + yb, b6, bias1, hasResidual, res, relu, ceiling); } }
        if (r > 7) { Store<TS, TV>(y + (7 * yp), a7, bias0, hasResidual, res, relu, ceiling); if (ob > 1) { Store<TS, TV>(y + (7 * yp) + yb, b7, bias1, hasResidual, res, relu, ceiling); } }
        if (r > 8) { Store<TS, TV>(y + (8 * yp), a8, bias0, hasResidual, res, relu, ceiling); if (ob > 1) { Store<TS, TV>(y + (8 * yp) + yb, b8, bias1, hasResidual, res, relu, ceiling); } }
        if (r > 9) { Store<TS, TV>(y + (9 * yp), a9, bias0, hasResidual, res, relu, ceiling); if (ob > 1) { Store<TS, TV>(y + (9 * yp) + yb, b9, bias1, hasResidual, res, relu, ceiling); } }
        if (r > 10) { Store<TS, TV>(y + (10 * yp), a10, bias0, hasResidual, res, relu, ceiling); if (ob > 1) { Store<TS, TV>(y + (10 * yp) + yb, b10, bias1, hasResidual, res, relu, ceiling); } }
        if (r > 11) { Store<TS, TV>(y + (11 * yp), a11, bias0, hasResidual, res, relu, ceiling); if (ob > 1) { Store<TS, TV>(y + (11 * yp) + yb, b11, bias1, hasResidual, res, relu, ceiling); } }
        if (r > 12) { Store<TS, TV>(y + (12 * yp), a12, bias0, hasResidual, res, relu, ceiling); if (ob > 1) { Store<TS, TV>(y + (12 * yp) + yb, b12, bias1, hasResidual, res, relu, ceiling); } }
        if (r > 13) { Store<TS, TV>(y + (13 * yp), a13, bias0, hasResidual, res, relu, ceiling); if (ob > 1) { Store<TS, TV>(y + (13 * yp) + yb, b13, bias1, hasResidual, res, relu, ceiling); } }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<TS, TV>(float* y, TV acc, TV bias, bool hasResidual, nint residualOffset, bool relu, TV ceiling)
        where TS : struct, ISimd<TV>
        where TV : unmanaged
    {
        TV v = TS.Add(acc, bias);
        if (hasResidual)
        {
            v = TS.Add(v, TS.Load(y + residualOffset));
        }

        TS.Store(y, relu ? TS.Min(TS.Relu(v), ceiling) : v);
    }
}

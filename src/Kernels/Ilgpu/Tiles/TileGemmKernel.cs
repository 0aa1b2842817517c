using System.Runtime.CompilerServices;
using ILGPU;

namespace CnnGpu.Kernels.Ilgpu.Tiles;

/// <summary>
/// The one tiled matrix-product loop behind the implicit-GEMM convolution, the 1×1 convolution and the
/// fully connected layer; what differs between them is only how the operands are read
/// (<see cref="ITileOperand{TSite}"/>) and how C is written (<see cref="ITileOutput{TSite}"/>).
/// </summary>
/// <remarks>
/// <para>A group is T×T threads (T = 16 or 8 on GPUs, 4 on the CPU simulator; <see cref="Group.DimX"/>); it computes an 8T×8T block of C,
/// each thread an 8×8 register micro-tile made of four 4×4 quadrants at rows <c>4·ty + {0..3}</c> and
/// <c>4T + 4·ty + {0..3}</c> (columns likewise with tx), so the four values a thread reads per quadrant are
/// adjacent in shared memory and neighbouring threads store neighbouring columns.</para>
/// <para>K advances in slices of T. Each slice of A (8T×T) and of B (T×8T) is staged <c>[k][outer]</c> in
/// dynamic shared memory, double-buffered: while the group multiplies one stage, every thread has already
/// issued the global loads of the next slice into registers (<see cref="OperandStager{TOp, TSite}"/>) and
/// writes them to the other stage afterwards, so one barrier per slice suffices and the load latency hides
/// behind 64·T multiply-adds per thread. Rows are padded by 4 floats against bank conflicts of the K-major
/// stores. Tiles are zero-filled past M, N and K: no extent has to be a multiple of the tile.</para>
/// <para>The 1-D grid strides over (slice, row tile, column tile), columns fastest so that consecutive
/// groups share their A tile in cache; it is sized to the groups the device keeps resident.</para>
/// </remarks>
internal static class TileGemmKernel
{
    /// <summary>Rows (and columns) of C per thread.</summary>
    public const int MicroTile = 8;

    /// <summary>Padding floats per shared-memory row.</summary>
    public const int RowPadding = 4;

    /// <summary>Floats of dynamic shared memory a T×T group needs (two stages of A and B).</summary>
    /// <param name="t">Threads per group side.</param>
    public static int SharedFloats(int t) => 4 * t * ((MicroTile * t) + RowPadding);

    /// <summary>The tiled product; launched with T×T groups and <see cref="SharedFloats"/> floats of dynamic shared memory.</summary>
    /// <param name="a">Operand A's buffer.</param>
    /// <param name="b">Operand B's buffer.</param>
    /// <param name="table">B's index table (im2col offsets), or any view.</param>
    /// <param name="bias">Bias terms, or any view when the output has none.</param>
    /// <param name="residual">The skip connection, or any view when the output has none.</param>
    /// <param name="c">The output.</param>
    /// <param name="aOp">How A is read.</param>
    /// <param name="bOp">How B is read.</param>
    /// <param name="output">How C is written.</param>
    /// <param name="extent">M, N, K and the slice count.</param>
    public static void Run<TA, TSiteA, TB, TSiteB, TOut, TSiteOut>(
        ArrayView<float> a, ArrayView<float> b, ArrayView<int> table, ArrayView<float> bias, ArrayView<float> residual, ArrayView<float> c,
        TA aOp, TB bOp, TOut output, TileExtent extent)
        where TA : struct, ITileOperand<TSiteA>
        where TSiteA : struct
        where TB : struct, ITileOperand<TSiteB>
        where TSiteB : struct
        where TOut : struct, ITileOutput<TSiteOut>
        where TSiteOut : struct
    {
        int t = Group.DimX;
        int tx = Group.IdxX;
        int ty = Group.IdxY;
        int lid = (ty * t) + tx;
        int threads = t * t;
        int side = MicroTile * t;
        int half = side / 2;
        int pitch = side + RowPadding;
        int stageFloats = t * pitch;

        var shared = SharedMemory.GetDynamic<float>();

        // The same memory as groups of four floats: a quadrant of the micro-tile is one 128-bit shared load
        // (ld.shared.v4). The pitch, the stage sizes and 4·tx, 4·ty, 4T are multiples of four floats.
        var quads = shared.Cast<Quad>();
        int quadPitch = pitch / 4;

        int colTiles = (extent.N + side - 1) / side;
        int rowTiles = (extent.M + side - 1) / side;
        int perSlice = colTiles * rowTiles;
        int tiles = perSlice * extent.Slices;
        for (int tile = Grid.IdxX; tile < tiles; tile += Grid.DimX)
        {
            int slice = tile / perSlice;
            int inSlice = tile - (slice * perSlice);
            int rowTile = inSlice / colTiles;
            int row0 = rowTile * side;
            int col0 = (inSlice - (rowTile * colTiles)) * side;

            var aStager = new OperandStager<TA, TSiteA>(aOp, slice, row0, extent.M, extent.K, lid, threads, side, t);
            var bStager = new OperandStager<TB, TSiteB>(bOp, slice, col0, extent.N, extent.K, lid, threads, side, t);

            // Stage 0 holds the first slice before the loop.
            aStager.Put(shared.SubView(0, stageFloats), pitch, aStager.Fetch(a, table, 0));
            bStager.Put(shared.SubView(stageFloats, stageFloats), pitch, bStager.Fetch(b, table, 0));
            Group.Barrier();

            Vec8 c0 = default, c1 = default, c2 = default, c3 = default;
            Vec8 c4 = default, c5 = default, c6 = default, c7 = default;
            int current = 0;
            for (int k0 = 0; k0 < extent.K; k0 += t)
            {
                bool more = k0 + t < extent.K;
                Vec8 nextA = default, nextB = default;
                if (more)
                {
                    // Issue the next slice's global loads now; they complete while this slice is multiplied.
                    nextA = aStager.Fetch(a, table, k0 + t);
                    nextB = bStager.Fetch(b, table, k0 + t);
                }

                int aQuad = ((current * 2 * stageFloats) / 4) + ty;
                int bQuad = (((current * 2 * stageFloats) + stageFloats) / 4) + tx;
                for (int kk = 0; kk < t; kk++)
                {
                    var av = Quadrants(quads, aQuad + (kk * quadPitch), t);
                    var bv = Quadrants(quads, bQuad + (kk * quadPitch), t);
                    c0 = c0.MultiplyAdd(av.V0, bv);
                    c1 = c1.MultiplyAdd(av.V1, bv);
                    c2 = c2.MultiplyAdd(av.V2, bv);
                    c3 = c3.MultiplyAdd(av.V3, bv);
                    c4 = c4.MultiplyAdd(av.V4, bv);
                    c5 = c5.MultiplyAdd(av.V5, bv);
                    c6 = c6.MultiplyAdd(av.V6, bv);
                    c7 = c7.MultiplyAdd(av.V7, bv);
                }

                if (more)
                {
                    int next = 1 - current;
                    aStager.Put(shared.SubView(next * 2 * stageFloats, stageFloats), pitch, nextA);
                    bStager.Put(shared.SubView((next * 2 * stageFloats) + stageFloats, stageFloats), pitch, nextB);
                    current = next;
                }

                Group.Barrier();
            }

            int rowA = row0 + (4 * ty);
            int colA = col0 + (4 * tx);
            for (int q = 0; q < MicroTile; q++)
            {
                int j = colA + (q & 3) + (q >= 4 ? half : 0);
                if (j >= extent.N)
                {
                    continue;
                }

                var site = output.Locate(slice, j);
                StoreIfInRange(output, c, bias, residual, site, slice, rowA, extent.M, c0.Get(q));
                StoreIfInRange(output, c, bias, residual, site, slice, rowA + 1, extent.M, c1.Get(q));
                StoreIfInRange(output, c, bias, residual, site, slice, rowA + 2, extent.M, c2.Get(q));
                StoreIfInRange(output, c, bias, residual, site, slice, rowA + 3, extent.M, c3.Get(q));
                StoreIfInRange(output, c, bias, residual, site, slice, rowA + half, extent.M, c4.Get(q));
                StoreIfInRange(output, c, bias, residual, site, slice, rowA + half + 1, extent.M, c5.Get(q));
                StoreIfInRange(output, c, bias, residual, site, slice, rowA + half + 2, extent.M, c6.Get(q));
                StoreIfInRange(output, c, bias, residual, site, slice, rowA + half + 3, extent.M, c7.Get(q));
            }
        }
    }

    /// <summary>The four values of quad <paramref name="index"/> and the four of quad <paramref name="index"/> + <paramref name="halfQuads"/>: two vector loads.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vec8 Quadrants(ArrayView<Quad> stage, int index, int halfQuads)
    {
        var low = stage[index];
        var high = stage[index + halfQuads];
        return new Vec8 { V0 = low.X, V1 = low.Y, V2 = low.Z, V3 = low.W, V4 = high.X, V5 = high.Y, V6 = high.Z, V7 = high.W };
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreIfInRange<TOut, TSiteOut>(
        TOut output, ArrayView<float> c, ArrayView<float> bias, ArrayView<float> residual, in TSiteOut site, int slice, int i, int m, float v)
        where TOut : struct, ITileOutput<TSiteOut>
        where TSiteOut : struct
    {
        if (i < m)
        {
            output.Store(c, bias, residual, site, slice, i, v);
        }
    }
}

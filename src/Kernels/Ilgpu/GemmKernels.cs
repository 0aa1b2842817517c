using ILGPU;

namespace CnnGpu.Kernels.Ilgpu;

/// <summary>
/// Shared-memory tiled, register-blocked strided GEMM (semantics: <see cref="Reference.ReferenceGemm"/>).
/// </summary>
/// <remarks>
/// A group is <c>T×T</c> threads (<c>T</c> = <see cref="Group.DimX"/>, chosen at load time to fit the
/// device); it computes a <c>4T×4T</c> block of C, each thread a 4×4 micro-tile at rows
/// <c>ty + r·T</c> and columns <c>tx + q·T</c> (so neighbouring threads touch neighbouring columns:
/// coalesced stores, conflict-free shared reads). K advances in slices of <c>S</c> (a multiple of <c>T</c>); the A slice
/// (<c>4T×S</c>) and the B slice (<c>S×4T</c>) are staged k-major in dynamic shared memory with one
/// padding column against bank conflicts. Tiles are zero-filled past M, N and K, so no size has to be
/// a multiple of the tile. The 1-D grid strides over all (batch·group, M, N) tiles, N fastest, so
/// it is sized to the groups the device keeps resident and never hits a grid-dimension limit.
/// </remarks>
internal static class GemmKernels
{
    /// <summary>Rows and columns of C computed per thread.</summary>
    public const int MicroTile = 4;

    /// <summary>Floats of dynamic shared memory for <paramref name="t"/>×<paramref name="t"/> threads and K slices of <paramref name="sliceK"/>.</summary>
    public static int SharedFloats(int t, int sliceK) => 2 * sliceK * ((MicroTile * t) + 1);

    /// <summary>
    /// The tiled GEMM; <paramref name="bias"/> is read only when <see cref="GemmGeometry.HasBias"/> is set.
    /// <paramref name="sliceK"/> (a multiple of the group side) is the depth of one shared-memory stage.
    /// </summary>
    public static void Tiled(ArrayView<float> a, ArrayView<float> b, ArrayView<float> bias, ArrayView<float> c, GemmGeometry g, int sliceK)
    {
        int t = Group.DimX;
        int tx = Group.IdxX;
        int ty = Group.IdxY;
        int lid = (ty * t) + tx;
        int threads = t * t;
        int bm = MicroTile * t;
        int bk = sliceK;
        int ld = bm + 1;
        int tileElements = bm * bk;

        var shared = SharedMemory.GetDynamic<float>();
        var aTile = shared.SubView(0, bk * ld);
        var bTile = shared.SubView(bk * ld, bk * ld);

        bool aAlongK = g.AColStride == 1;
        bool bAlongJ = g.BColStride == 1 || g.BRowStride != 1;
        int colTiles = (g.N + bm - 1) / bm;
        int rowTiles = (g.M + bm - 1) / bm;
        int tilesPerSlice = colTiles * rowTiles;
        int tiles = tilesPerSlice * g.BatchCount * g.GroupCount;
        int tileStep = Grid.DimX;

        for (int tile = Grid.IdxX; tile < tiles; tile += tileStep)
        {
            int slice = tile / tilesPerSlice;
            int inSlice = tile - (slice * tilesPerSlice);
            int rowTile = inSlice / colTiles;
            int row0 = rowTile * bm;
            int col0 = (inSlice - (rowTile * colTiles)) * bm;
            int batch = slice / g.GroupCount;
            int grp = slice - (batch * g.GroupCount);
            int aBase = (batch * g.ABatchStride) + (grp * g.AGroupStride);
            int bBase = (batch * g.BBatchStride) + (grp * g.BGroupStride);

            float c00 = 0f, c01 = 0f, c02 = 0f, c03 = 0f;
            float c10 = 0f, c11 = 0f, c12 = 0f, c13 = 0f;
            float c20 = 0f, c21 = 0f, c22 = 0f, c23 = 0f;
            float c30 = 0f, c31 = 0f, c32 = 0f, c33 = 0f;

            for (int k0 = 0; k0 < g.K; k0 += bk)
            {
                // Stage A[row0.., k0..] as aTile[kk, ii]; consecutive threads walk A's unit-stride axis.
                for (int e = lid; e < tileElements; e += threads)
                {
                    int ii;
                    int kk;
                    if (aAlongK)
                    {
                        ii = e / bk;
                        kk = e - (ii * bk);
                    }
                    else
                    {
                        kk = e / bm;
                        ii = e - (kk * bm);
                    }

                    int gi = row0 + ii;
                    int gk = k0 + kk;
                    aTile[(kk * ld) + ii] = gi < g.M && gk < g.K
                        ? a[aBase + (gi * g.ARowStride) + (gk * g.AColStride)]
                        : 0f;
                }

                // Stage B[k0.., col0..] as bTile[kk, jj].
                for (int e = lid; e < tileElements; e += threads)
                {
                    int kk;
                    int jj;
                    if (bAlongJ)
                    {
                        kk = e / bm;
                        jj = e - (kk * bm);
                    }
                    else
                    {
                        jj = e / bk;
                        kk = e - (jj * bk);
                    }

                    int gk = k0 + kk;
                    int gj = col0 + jj;
                    bTile[(kk * ld) + jj] = gk < g.K && gj < g.N
                        ? b[bBase + (gk * g.BRowStride) + (gj * g.BColStride)]
                        : 0f;
                }

                Group.Barrier();

                for (int kk = 0; kk < bk; kk++)
                {
                    int ar = (kk * ld) + ty;
                    float a0 = aTile[ar];
                    float a1 = aTile[ar + t];
                    float a2 = aTile[ar + (2 * t)];
                    float a3 = aTile[ar + (3 * t)];
                    int br = (kk * ld) + tx;
                    float b0 = bTile[br];
                    float b1 = bTile[br + t];
                    float b2 = bTile[br + (2 * t)];
                    float b3 = bTile[br + (3 * t)];
                    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
                    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
                    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
                    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
                }

                Group.Barrier();
            }

            int i0 = row0 + ty;
            int j0 = col0 + tx;
            StoreRow(c, bias, g, batch, grp, i0, j0, t, c00, c01, c02, c03);
            StoreRow(c, bias, g, batch, grp, i0 + t, j0, t, c10, c11, c12, c13);
            StoreRow(c, bias, g, batch, grp, i0 + (2 * t), j0, t, c20, c21, c22, c23);
            StoreRow(c, bias, g, batch, grp, i0 + (3 * t), j0, t, c30, c31, c32, c33);
        }
    }

    private static void StoreRow(
        ArrayView<float> c, ArrayView<float> bias, GemmGeometry g, int batch, int grp, int i, int j0, int t,
        float v0, float v1, float v2, float v3)
    {
        if (i >= g.M)
        {
            return;
        }

        Store(c, bias, g, batch, grp, i, j0, v0);
        Store(c, bias, g, batch, grp, i, j0 + t, v1);
        Store(c, bias, g, batch, grp, i, j0 + (2 * t), v2);
        Store(c, bias, g, batch, grp, i, j0 + (3 * t), v3);
    }

    private static void Store(ArrayView<float> c, ArrayView<float> bias, GemmGeometry g, int batch, int grp, int i, int j, float v)
    {
        if (j < g.N)
        {
            if (g.HasBias)
            {
                v += bias[g.BiasIndex(grp, i, j)];
            }

            c[g.CIndex(batch, grp, i, j)] = g.Activate(v);
        }
    }

    /// <summary>
    /// One thread per element of C looping over K: the path for thin products (a fully connected
    /// layer at batch 1 is a matrix-vector product), where a 4T×4T tile would compute mostly padding.
    /// </summary>
    public static void Thin(ArrayView<float> a, ArrayView<float> b, ArrayView<float> bias, ArrayView<float> c, GemmGeometry g)
    {
        int perSlice = g.M * g.N;
        int total = perSlice * g.BatchCount * g.GroupCount;
        int step = GridStride.Step;
        for (int index = GridStride.Start; index < total; index += step)
        {
            int slice = index / perSlice;
            int inSlice = index - (slice * perSlice);
            int i = inSlice / g.N;
            int j = inSlice - (i * g.N);
            int batch = slice / g.GroupCount;
            int grp = slice - (batch * g.GroupCount);
            int aRow = g.AIndex(batch, grp, i, 0);
            int bCol = g.BIndex(batch, grp, 0, j);
            float acc = 0f;
            for (int k = 0; k < g.K; k++)
            {
                acc += a[aRow + (k * g.AColStride)] * b[bCol + (k * g.BRowStride)];
            }

            Store(c, bias, g, batch, grp, i, j, acc);
        }
    }
}

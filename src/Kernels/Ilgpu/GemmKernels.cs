using ILGPU;

namespace CnnGpu.Kernels.Ilgpu;

/// <summary>
/// The thin strided GEMM (semantics: <see cref="Reference.ReferenceGemm"/>); wide products take the tiled
/// <see cref="Tiles.TileGemmKernel"/>.
/// </summary>
internal static class GemmKernels
{
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

using ILGPU;

namespace CnnGpu.Kernels.Ilgpu.Tiles;

/// <summary>
/// How the tile loop reads one GEMM operand as an <c>outer × K</c> matrix per slice (A: outer = row of C;
/// B: outer = column of C), without materialising it: a strided matrix, prepacked weights, or the im2col
/// view of a convolution input. Implementations are small blittable structs; the tile loop is generic over
/// them, so each combination compiles to its own specialised kernel with the loads inlined.
/// </summary>
/// <typeparam name="TSite">What <see cref="Locate"/> precomputes for one outer index (an offset, or the
/// window origin of an output pixel), so the per-element <see cref="Load"/> stays cheap.</typeparam>
internal interface ITileOperand<TSite>
    where TSite : struct
{
    /// <summary>
    /// 1 when consecutive outer indices are adjacent in memory (consecutive threads then take consecutive
    /// outer indices and one outer index each, so its site is computed once per tile); 0 when K is the
    /// unit-stride axis (consecutive threads take consecutive k). An int: ILGPU kernels take no bools.
    /// </summary>
    int AlongOuter { get; }

    /// <summary>Precomputes what <see cref="Load"/> needs for outer index <paramref name="outer"/> (in range) of <paramref name="slice"/>.</summary>
    TSite Locate(int slice, int outer);

    /// <summary>The operand's element <c>(outer, k)</c>, <c>k</c> in range; zero where it falls in padding.</summary>
    /// <param name="data">The operand's buffer.</param>
    /// <param name="table">The operand's index table (im2col offsets), or any view when it has none.</param>
    /// <param name="site">From <see cref="Locate"/>.</param>
    /// <param name="k">Reduction index.</param>
    float Load(ArrayView<float> data, ArrayView<int> table, in TSite site, int k);
}

/// <summary>How the tile loop stores one element of C, with the fused epilogue (bias, residual, activation).</summary>
/// <typeparam name="TSite">What <see cref="Locate"/> precomputes for one column of C.</typeparam>
internal interface ITileOutput<TSite>
    where TSite : struct
{
    /// <summary>Precomputes the store of column <paramref name="j"/> (in range) of <paramref name="slice"/>.</summary>
    TSite Locate(int slice, int j);

    /// <summary>Writes <c>C[i, j] = activation(v + bias + residual)</c>.</summary>
    /// <param name="c">The output.</param>
    /// <param name="bias">Bias terms (read only when the output has them).</param>
    /// <param name="residual">The skip connection (read only when the output has one).</param>
    /// <param name="site">From <see cref="Locate"/> for the column.</param>
    /// <param name="slice">The slice.</param>
    /// <param name="i">Row of C (in range).</param>
    /// <param name="v">The accumulated dot product.</param>
    void Store(ArrayView<float> c, ArrayView<float> bias, ArrayView<float> residual, in TSite site, int slice, int i, float v);
}

/// <summary>The extents of a tiled product: <c>C[slice] (M×N) = A[slice] (M×K) · B[slice] (K×N)</c>.</summary>
/// <param name="M">Rows of C.</param>
/// <param name="N">Columns of C.</param>
/// <param name="K">Reduction length.</param>
/// <param name="Slices">Independent products (groups, or batch × groups).</param>
internal readonly record struct TileExtent(int M, int N, int K, int Slices);

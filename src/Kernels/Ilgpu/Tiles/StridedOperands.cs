using System.Runtime.CompilerServices;
using ILGPU;

namespace CnnGpu.Kernels.Ilgpu.Tiles;

/// <summary>
/// A strided matrix of a <see cref="GemmGeometry"/> as a tile operand: slice = batch·groups + group, element
/// <c>(outer, k)</c> at <c>slice base + outer·OuterStride + k·KStride</c>.
/// </summary>
internal readonly record struct StridedOperand(int Groups, int BatchStride, int GroupStride, int OuterStride, int KStride) : ITileOperand<int>
{
    /// <summary>A of <paramref name="g"/> (outer = row i).</summary>
    public static StridedOperand A(in GemmGeometry g) => new(g.GroupCount, g.ABatchStride, g.AGroupStride, g.ARowStride, g.AColStride);

    /// <summary>B of <paramref name="g"/> (outer = column j).</summary>
    public static StridedOperand B(in GemmGeometry g) => new(g.GroupCount, g.BBatchStride, g.BGroupStride, g.BColStride, g.BRowStride);

    // Walk the outer axis across threads when it is the unit-stride one (or when K is not either).
    public int AlongOuter => OuterStride == 1 || KStride != 1 ? 1 : 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Locate(int slice, int outer)
    {
        int batch = slice / Groups;
        int group = slice - (batch * Groups);
        return (batch * BatchStride) + (group * GroupStride) + (outer * OuterStride);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Load(ArrayView<float> data, ArrayView<int> table, in int site, int k) => data[site + (k * KStride)];
}

/// <summary>Where column j of a strided C and its bias terms start.</summary>
/// <param name="Output">Offset of <c>C[slice][0, j]</c>.</param>
/// <param name="Bias">Offset of the bias term of <c>(0, j)</c>.</param>
internal readonly record struct StridedColumn(int Output, int Bias);

/// <summary>C of a <see cref="GemmGeometry"/> with its bias and activation.</summary>
internal readonly record struct StridedOutput(GemmGeometry G) : ITileOutput<StridedColumn>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public StridedColumn Locate(int slice, int j)
    {
        int batch = slice / G.GroupCount;
        int group = slice - (batch * G.GroupCount);
        return new StridedColumn(G.CIndex(batch, group, 0, j), G.BiasIndex(group, 0, j));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(ArrayView<float> c, ArrayView<float> bias, ArrayView<float> residual, in StridedColumn site, int slice, int i, float v)
    {
        if (G.HasBias)
        {
            v += bias[site.Bias + (i * G.BiasRowStride)];
        }

        c[site.Output + (i * G.CRowStride)] = G.Activate(v);
    }
}

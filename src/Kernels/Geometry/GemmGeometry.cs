namespace CnnGpu.Kernels;

/// <summary>
/// A strided, batched and grouped matrix product <c>C[i,j] = sum_k A[i,k]·B[k,j] (+ bias)</c>.
/// Every operand is addressed through explicit strides so that one kernel serves the 1x1
/// convolution (per image and group) and the fully connected layer (transposed weights included).
/// </summary>
/// <remarks>
/// Element (i, k) of A for batch b and group g lives at
/// <c>b·ABatchStride + g·AGroupStride + i·ARowStride + k·AColStride</c>; B, C and the bias alike.
/// </remarks>
public readonly record struct GemmGeometry(
    int M, int N, int K, int BatchCount, int GroupCount,
    int ABatchStride, int AGroupStride, int ARowStride, int AColStride,
    int BBatchStride, int BGroupStride, int BRowStride, int BColStride,
    int CBatchStride, int CGroupStride, int CRowStride, int CColStride,
    bool HasBias, int BiasGroupStride, int BiasRowStride, int BiasColStride)
{
    // ILGPU rejects bool kernel parameters and structs holding one ("not blittable"), so the
    // flag is stored as an int; the public shape (a bool property) is unchanged.
    private readonly int hasBiasFlag = HasBias ? 1 : 0;

    /// <summary>Whether a bias term is added to every element of C.</summary>
    public bool HasBias
    {
        get => hasBiasFlag != 0;
        init => hasBiasFlag = value ? 1 : 0;
    }

    // Stored as an int for the same reason as the bias flag.
    private readonly int fuseReluFlag;

    /// <summary>Whether the kernel applies ReLU to its result (a fused epilogue: no separate pass over memory).</summary>
    public bool FuseRelu
    {
        get => fuseReluFlag != 0;
        init => fuseReluFlag = value ? 1 : 0;
    }

    // Stored as an int for the same reason as the bias flag.
    private readonly int fuseRelu6Flag;

    /// <summary>
    /// Whether the fused ReLU also caps the result at 6 (ReLU6, MobileNet-v2's activation); read only
    /// together with <see cref="FuseRelu"/>, which supplies the floor.
    /// </summary>
    public bool FuseRelu6
    {
        get => fuseRelu6Flag != 0;
        init => fuseRelu6Flag = value ? 1 : 0;
    }

    /// <summary>
    /// The fused epilogue applied to one result: nothing, ReLU, or ReLU6 (the one place every scalar and
    /// device kernel takes the rule from). A NaN passes through, as in the unfused ops.
    /// </summary>
    /// <param name="v">The result before the activation.</param>
    public float Activate(float v) => !FuseRelu ? v : v < 0f ? 0f : FuseRelu6 && v > 6f ? 6f : v;

    /// <summary>The 1x1 convolution of <paramref name="conv"/> as a GEMM: W[g]·X[n,g] per image and group.</summary>
    /// <param name="conv">A pointwise convolution (<see cref="ConvGeometry.IsPointwise"/>).</param>
    public static GemmGeometry ForPointwiseConv(in ConvGeometry conv)
    {
        int hw = conv.InHeight * conv.InWidth;
        int cinG = conv.InChannelsPerGroup;
        int coutG = conv.OutChannelsPerGroup;
        return new GemmGeometry(
            M: coutG, N: hw, K: cinG, BatchCount: conv.Batch, GroupCount: conv.Groups,
            ABatchStride: 0, AGroupStride: coutG * cinG, ARowStride: cinG, AColStride: 1,
            BBatchStride: conv.InChannels * hw, BGroupStride: cinG * hw, BRowStride: hw, BColStride: 1,
            CBatchStride: conv.OutChannels * hw, CGroupStride: coutG * hw, CRowStride: hw, CColStride: 1,
            HasBias: conv.HasBias, BiasGroupStride: coutG, BiasRowStride: 1, BiasColStride: 0)
        {
            FuseRelu = conv.FuseRelu,
            FuseRelu6 = conv.FuseRelu6,
        };
    }

    /// <summary>
    /// A fully connected layer <c>Y[n,o] = sum_i X[n,i]·W(o,i) + b[o]</c> where W is stored
    /// <c>[outFeatures, inFeatures]</c>, or <c>[inFeatures, outFeatures]</c> when
    /// <paramref name="transposedWeight"/> is set.
    /// </summary>
    /// <param name="batch">Rows of X.</param>
    /// <param name="inFeatures">Columns of X.</param>
    /// <param name="outFeatures">Columns of Y.</param>
    /// <param name="transposedWeight">Weight stored input-major.</param>
    /// <param name="hasBias">Whether a bias vector of length <paramref name="outFeatures"/> is added.</param>
    public static GemmGeometry ForFullyConnected(int batch, int inFeatures, int outFeatures, bool transposedWeight, bool hasBias) =>
        new(
            M: batch, N: outFeatures, K: inFeatures, BatchCount: 1, GroupCount: 1,
            ABatchStride: 0, AGroupStride: 0, ARowStride: inFeatures, AColStride: 1,
            BBatchStride: 0, BGroupStride: 0,
            BRowStride: transposedWeight ? outFeatures : 1,
            BColStride: transposedWeight ? 1 : inFeatures,
            CBatchStride: 0, CGroupStride: 0, CRowStride: outFeatures, CColStride: 1,
            HasBias: hasBias, BiasGroupStride: 0, BiasRowStride: 0, BiasColStride: 1);

    /// <summary>Offset of A(i, k) for batch b and group g.</summary>
    public int AIndex(int b, int g, int i, int k) => (b * ABatchStride) + (g * AGroupStride) + (i * ARowStride) + (k * AColStride);

    /// <summary>Offset of B(k, j) for batch b and group g.</summary>
    public int BIndex(int b, int g, int k, int j) => (b * BBatchStride) + (g * BGroupStride) + (k * BRowStride) + (j * BColStride);

    /// <summary>Offset of C(i, j) for batch b and group g.</summary>
    public int CIndex(int b, int g, int i, int j) => (b * CBatchStride) + (g * CGroupStride) + (i * CRowStride) + (j * CColStride);

    /// <summary>Offset of the bias term for C(i, j) in group g.</summary>
    public int BiasIndex(int g, int i, int j) => (g * BiasGroupStride) + (i * BiasRowStride) + (j * BiasColStride);
}

using System.Reflection;
using CnnGpu.Kernels.Ilgpu.Tiles;
using ILGPU;
using ILGPU.Runtime;

namespace CnnGpu.Kernels.Ilgpu;

/// <summary>
/// Every CNN kernel compiled once for one ILGPU <see cref="ILGPU.Runtime.Accelerator"/> (CUDA, OpenCL or the
/// CPU simulator), with one launch method per op.
/// </summary>
/// <remarks>
/// <para>Launches are asynchronous on <see cref="Stream"/>; nothing here synchronises, so the caller waits on
/// the stream before reading results. Operand views are NCHW, dense, and must belong to this accelerator. A
/// launch whose output is empty does nothing.</para>
/// <para><b>Bias convention.</b> When a geometry's <c>HasBias</c> is false the bias argument is never read
/// and may be <see cref="ArrayView{T}.Empty"/> (or any view): the launcher passes the output view in its
/// place, so no empty or foreign buffer ever reaches the device.</para>
/// <para>Element kernels use grid-stride loops over a grid sized to the threads the device keeps
/// resident. Outputs must not alias inputs except for the purely elementwise ops (Relu, Sigmoid, Add,
/// ChannelScale, BatchNorm, Softmax, Copy), which may run in place.</para>
/// <para>Transcendentals (softmax, sigmoid, LRN's power) are built on <c>exp2</c>/<c>log2</c>, which every
/// backend lowers natively, so the context needs neither LibDevice nor ILGPU.Algorithms.</para>
/// </remarks>
public sealed class IlgpuKernelSet : IDisposable
{
    private const int PreferredGroupSize = 256;

    /// <summary>Products with fewer rows or columns than this take the thin (one thread per output) GEMM.</summary>
    private const int ThinGemmLimit = 8;

    /// <summary>Convolutions with fewer output channels per group than this run the direct kernel (a tile row of 64 would be mostly padding).</summary>
    private const int ImplicitGemmMinChannels = 8;

    private static readonly int[] CandidateTileSides = [16, 8];
    private static readonly int[] SmallTileSide = [4];

    private readonly List<MethodInfo> _kernels = [];

    // The tiled kernel's table operand when the B operand has none: ILGPU is never handed an empty view.
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _noTable;

    private readonly Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvGeometry> conv;
    private readonly Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, PackedFilters, Im2ColInput, ConvOutput, TileExtent> convTiled;
    private readonly Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, PackedFilters, PointwiseInput, ConvOutput, TileExtent> convPointwiseTiled;
    private readonly Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, StridedOperand, StridedOperand, StridedOutput, TileExtent> gemmTiled;
    private readonly Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmGeometry> gemmThin;
    private readonly Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, PoolGeometry> maxPool;
    private readonly Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, PoolGeometry> avgPool;
    private readonly Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, int, int> globalAvgPool;
    private readonly Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, LrnGeometry> lrn;
    private readonly Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ChannelGeometry, float> batchNorm;
    private readonly Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, int> relu;
    private readonly Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, int> sigmoid;
    private readonly Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ChannelGeometry> softmax;
    private readonly Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int> add;
    private readonly Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ChannelGeometry> channelScale;
    private readonly Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ConcatSlice> concatInto;
    private readonly Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, int> copy;
    private readonly Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, int, float, float> clip;
    private readonly Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, int, float> scale;
    private readonly Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ChannelGather> channelGather;

    private readonly int groupSize;
    private readonly int maxGroups;

    /// <summary>Compiles every kernel for <paramref name="accelerator"/> (the expensive step; do it once).</summary>
    /// <param name="accelerator">The device the kernels run on; it must outlive this set.</param>
    /// <param name="stream">The stream every launch goes to (the accelerator's default stream when null); it must outlive this set.</param>
    public IlgpuKernelSet(Accelerator accelerator, AcceleratorStream? stream = null)
    {
        ArgumentNullException.ThrowIfNull(accelerator);
        Accelerator = accelerator;
        Stream = stream ?? accelerator.DefaultStream;

        int maxGroup = accelerator.MaxNumThreadsPerGroup;
        int warp = Math.Max(1, accelerator.WarpSize);
        int size = Math.Min(PreferredGroupSize, maxGroup);
        groupSize = size >= warp ? size / warp * warp : size;
        int perMultiprocessor = Math.Max(1, accelerator.MaxNumThreadsPerMultiprocessor / groupSize);
        maxGroups = Math.Max(1, accelerator.NumMultiprocessors * perMultiprocessor);

        // Tile sides whose T×T group and shared memory the device allows: 16 (128×128 tiles) and 8 (64×64); 4
        // (32×32, half a warp) only where neither fits, as on the CPU simulator's 16-thread groups.
        var fitting = CandidateTileSides.Where(t => t * t <= maxGroup && 4L * TileGemmKernel.SharedFloats(t) <= accelerator.MaxSharedMemoryPerGroup).ToList();
        TileSides = fitting.Count > 0 ? fitting : [.. SmallTileSide.Where(t => t * t <= maxGroup)];

        _noTable = accelerator.Allocate1D<int>(1);
        Load(out conv, ConvolutionKernels.Direct);
        Load(out convTiled, TileGemmKernel.Run<PackedFilters, int, Im2ColInput, WindowSite, ConvOutput, int>);
        Load(out convPointwiseTiled, TileGemmKernel.Run<PackedFilters, int, PointwiseInput, int, ConvOutput, int>);
        Load(out gemmTiled, TileGemmKernel.Run<StridedOperand, int, StridedOperand, int, StridedOutput, StridedColumn>);
        Load(out gemmThin, GemmKernels.Thin);
        Load(out maxPool, PoolingKernels.MaxPool);
        Load(out avgPool, PoolingKernels.AvgPool);
        Load(out globalAvgPool, PoolingKernels.GlobalAvgPool);
        Load(out lrn, NormalizationKernels.Lrn);
        Load(out batchNorm, NormalizationKernels.BatchNorm);
        Load(out relu, ActivationKernels.Relu);
        Load(out sigmoid, ActivationKernels.Sigmoid);
        Load(out softmax, ActivationKernels.Softmax);
        Load(out add, ElementwiseKernels.Add);
        Load(out channelScale, ElementwiseKernels.ChannelScale);
        Load(out concatInto, ElementwiseKernels.ConcatInto);
        Load(out copy, ElementwiseKernels.Copy);
        Load(out clip, ChannelKernels.Clip);
        Load(out scale, ChannelKernels.Scale);
        Load(out channelGather, ChannelKernels.Gather);
    }

    /// <summary>The accelerator the kernels were compiled for.</summary>
    public Accelerator Accelerator { get; }

    /// <summary>The stream every launch is queued on.</summary>
    public AcceleratorStream Stream { get; }

    /// <summary>
    /// Every kernel method this set compiled, generic instantiations included: what an offline compile for
    /// another target (PTX, OpenCL C) must cover so that no device-only failure hides until a device appears.
    /// </summary>
    public IReadOnlyList<MethodInfo> Kernels => _kernels;

    /// <summary>Group sides T the tiled kernels may use on this device (a T×T group computes an 8T×8T tile), largest first: 16 and 8 on GPUs, 4 on the CPU simulator.</summary>
    public IReadOnlyList<int> TileSides { get; }

    /// <summary>Whether <see cref="Gemm"/> takes the thin (one thread per output) kernel for <paramref name="g"/>.</summary>
    /// <param name="g">Shapes and strides.</param>
    public static bool IsThin(in GemmGeometry g) => g.M < ThinGemmLimit || g.N < ThinGemmLimit;

    /// <summary>Whether the implicit-GEMM convolution suits <paramref name="g"/>: not depthwise, at least 8 output channels per group, a device that runs tiles.</summary>
    /// <param name="g">The convolution.</param>
    public bool SuitsImplicitGemm(in ConvGeometry g) =>
        TileSides.Count > 0 && !g.IsDepthwise && g.OutChannelsPerGroup >= ImplicitGemmMinChannels;

    /// <summary>
    /// The tile side for an <paramref name="m"/>×<paramref name="n"/> product over <paramref name="slices"/> slices on this
    /// device: 128×128 tiles when there are at least as many of them as multiprocessors (every multiprocessor busy)
    /// and the rows fill more than half a tile, else 64×64 tiles, which give four times as many groups.
    /// </summary>
    /// <param name="m">Rows of C.</param>
    /// <param name="n">Columns of C.</param>
    /// <param name="slices">Independent products.</param>
    /// <returns>The group side T (0 when the device runs no tiles).</returns>
    public int ChooseTileSide(int m, int n, int slices)
    {
        if (TileSides.Count == 0)
        {
            return 0;
        }

        int largest = TileSides[0];
        int side = TileGemmKernel.MicroTile * largest;
        long tiles = (long)((m + side - 1) / side) * ((n + side - 1) / side) * slices;
        bool fills = tiles >= Accelerator.NumMultiprocessors && m > side / 2;
        return fills || TileSides.Count == 1 ? largest : TileSides[^1];
    }

    /// <summary>The direct convolution (one thread per output), whatever the geometry: depthwise and few-channel groups take it.</summary>
    /// <param name="x">Input <c>[N, C, H, W]</c>.</param>
    /// <param name="w">Filters <c>[K, C/groups, KH, KW]</c>.</param>
    /// <param name="bias">Bias <c>[K]</c>; ignored unless <see cref="ConvGeometry.HasBias"/>.</param>
    /// <param name="y">Output <c>[N, K, OH, OW]</c>; must not alias <paramref name="x"/>.</param>
    /// <param name="g">Geometry.</param>
    public void ConvDirect(ArrayView<float> x, ArrayView<float> w, ArrayView<float> bias, ArrayView<float> y, in ConvGeometry g)
    {
        if (g.OutputLength == 0)
        {
            return;
        }

        RequireConv(x, w, bias, y, g);
        conv(Stream, LinearConfig(g.OutputLength), x, w, g.HasBias ? bias : y, y, g);
    }

    /// <summary>
    /// The implicit-GEMM convolution (<see cref="TileGemmKernel"/>): filters from their packed copy, input taps
    /// through the im2col table, bias, an optional residual sum and the activation in the store.
    /// </summary>
    /// <param name="x">Input <c>[N, C, H, W]</c>.</param>
    /// <param name="packedFilters">The filters as <see cref="ImplicitGemmConv.PackWeights"/> arranged them.</param>
    /// <param name="table">The node's <see cref="ImplicitGemmConv.Im2ColTable"/> (unused, any view, for pointwise convolutions).</param>
    /// <param name="bias">Bias <c>[K]</c>; ignored unless <see cref="ConvGeometry.HasBias"/>.</param>
    /// <param name="residual">Added before the activation when not null: the fused skip connection, shaped like <paramref name="y"/>.</param>
    /// <param name="y">Output <c>[N, K, OH, OW]</c>; must not alias <paramref name="x"/> (it may be <paramref name="residual"/>).</param>
    /// <param name="g">Geometry.</param>
    /// <param name="tileSide">The group side T, one of <see cref="TileSides"/>.</param>
    public void ConvImplicitGemm(
        ArrayView<float> x, ArrayView<float> packedFilters, ArrayView<int> table, ArrayView<float> bias, ArrayView<float>? residual,
        ArrayView<float> y, in ConvGeometry g, int tileSide)
    {
        if (g.OutputLength == 0)
        {
            return;
        }

        RequireConv(x, packedFilters, bias, y, g);
        if (residual is { } r)
        {
            Require(r, g.OutputLength, "Conv2d", nameof(residual));
        }

        var extent = new TileExtent(ImplicitGemmConv.M(g), ImplicitGemmConv.N(g), ImplicitGemmConv.K(g), g.Groups);
        var filters = new PackedFilters(extent.M, extent.K);
        var output = new ConvOutput(
            g.OutChannels, g.OutChannelsPerGroup, g.OutHeight * g.OutWidth,
            g.HasBias ? 1 : 0, residual is null ? 0 : 1, g.FuseRelu ? 1 : 0, g.FuseRelu6 ? 1 : 0);
        var config = TileConfig(extent, tileSide);
        var biasView = g.HasBias ? bias : y;
        var residualView = residual ?? y;
        if (g.IsPointwise)
        {
            var input = new PointwiseInput(g.InChannels, g.InChannelsPerGroup, g.InHeight * g.InWidth);
            convPointwiseTiled(Stream, config, packedFilters, x, table, biasView, residualView, y, filters, input, output, extent);
            return;
        }

        Require(table, 2L * extent.K, "Conv2d", nameof(table));
        var im2col = new Im2ColInput(
            g.InChannels, g.InChannelsPerGroup, g.InHeight, g.InWidth, g.OutHeight, g.OutWidth,
            g.StrideH, g.StrideW, g.PadTop, g.PadLeft);
        convTiled(Stream, config, packedFilters, x, table, biasView, residualView, y, filters, im2col, output, extent);
    }

    /// <summary>
    /// Strided, batched, grouped matrix product <c>C = A·B (+ bias)</c> (a fully connected layer is
    /// <see cref="GemmGeometry.ForFullyConnected"/>), by shape: thin products (fewer than 8 rows or columns, e.g. a
    /// batch-1 fully connected layer) take the one-thread-per-output kernel, others the tiled one.
    /// </summary>
    /// <param name="a">Operand A.</param>
    /// <param name="b">Operand B.</param>
    /// <param name="bias">Bias terms; ignored (may be empty) unless <see cref="GemmGeometry.HasBias"/>.</param>
    /// <param name="c">Result; must not alias A or B.</param>
    /// <param name="g">Shapes and strides (non-negative).</param>
    public void Gemm(ArrayView<float> a, ArrayView<float> b, ArrayView<float> bias, ArrayView<float> c, in GemmGeometry g)
    {
        if (IsThin(g) || TileSides.Count == 0)
        {
            GemmThin(a, b, bias, c, g);
            return;
        }

        GemmTiled(a, b, bias, c, g, ChooseTileSide(g.M, g.N, g.BatchCount * g.GroupCount));
    }

    /// <summary>The one-thread-per-output product (what <see cref="Gemm"/> takes for thin shapes), for any shape.</summary>
    /// <param name="a">Operand A.</param>
    /// <param name="b">Operand B.</param>
    /// <param name="bias">Bias terms; ignored unless <see cref="GemmGeometry.HasBias"/>.</param>
    /// <param name="c">Result; must not alias A or B.</param>
    /// <param name="g">Shapes and strides.</param>
    public void GemmThin(ArrayView<float> a, ArrayView<float> b, ArrayView<float> bias, ArrayView<float> c, in GemmGeometry g)
    {
        if (g.M > 0 && g.N > 0 && g.BatchCount > 0 && g.GroupCount > 0)
        {
            RequireGemm(a, b, bias, c, g);
            gemmThin(Stream, LinearConfig(g.M * g.N * g.BatchCount * g.GroupCount), a, b, g.HasBias ? bias : c, c, g);
        }
    }

    /// <summary>The tiled product (<see cref="TileGemmKernel"/> with strided operands), for any shape.</summary>
    /// <param name="a">Operand A.</param>
    /// <param name="b">Operand B.</param>
    /// <param name="bias">Bias terms; ignored unless <see cref="GemmGeometry.HasBias"/>.</param>
    /// <param name="c">Result; must not alias A or B.</param>
    /// <param name="g">Shapes and strides.</param>
    /// <param name="tileSide">The group side T, one of <see cref="TileSides"/>.</param>
    public void GemmTiled(ArrayView<float> a, ArrayView<float> b, ArrayView<float> bias, ArrayView<float> c, in GemmGeometry g, int tileSide)
    {
        if (g.M <= 0 || g.N <= 0 || g.BatchCount <= 0 || g.GroupCount <= 0)
        {
            return;
        }

        RequireGemm(a, b, bias, c, g);
        var extent = new TileExtent(g.M, g.N, g.K, g.BatchCount * g.GroupCount);
        gemmTiled(
            Stream, TileConfig(extent, tileSide), a, b, _noTable.View, g.HasBias ? bias : c, c, c,
            StridedOperand.A(g), StridedOperand.B(g), new StridedOutput(g), extent);
    }

    /// <summary>Max pooling; padding never wins.</summary>
    /// <param name="x">Input <c>[N, C, H, W]</c>.</param>
    /// <param name="y">Output <c>[N, C, OH, OW]</c>; must not alias <paramref name="x"/>.</param>
    /// <param name="g">Window geometry.</param>
    public void MaxPool(ArrayView<float> x, ArrayView<float> y, in PoolGeometry g)
    {
        if (RequirePool(x, y, g, "MaxPool"))
        {
            maxPool(Stream, LinearConfig(g.OutputLength), x, y, g);
        }
    }

    /// <summary>Average pooling with the divisor rule of <see cref="PoolGeometry"/>.</summary>
    /// <param name="x">Input <c>[N, C, H, W]</c>.</param>
    /// <param name="y">Output <c>[N, C, OH, OW]</c>; must not alias <paramref name="x"/>.</param>
    /// <param name="g">Window geometry.</param>
    public void AvgPool(ArrayView<float> x, ArrayView<float> y, in PoolGeometry g)
    {
        if (RequirePool(x, y, g, "AvgPool"))
        {
            avgPool(Stream, LinearConfig(g.OutputLength), x, y, g);
        }
    }

    /// <summary>Mean of each channel plane: <c>[N, C, H, W] → [N, C]</c>.</summary>
    /// <param name="x">Input.</param>
    /// <param name="y">Output, one value per plane.</param>
    /// <param name="planes">N·C.</param>
    /// <param name="spatial">H·W (positive when <paramref name="planes"/> is).</param>
    public void GlobalAvgPool(ArrayView<float> x, ArrayView<float> y, int planes, int spatial)
    {
        if (planes <= 0)
        {
            return;
        }

        if (spatial <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(spatial), spatial, "GlobalAvgPool: the plane size must be positive.");
        }

        Require(x, (long)planes * spatial, "GlobalAvgPool", nameof(x));
        Require(y, planes, "GlobalAvgPool", nameof(y));
        globalAvgPool(Stream, LinearConfig(planes), x, y, planes, spatial);
    }

    /// <summary>Local response normalisation across channels (ONNX).</summary>
    /// <param name="x">Input <c>[N, C, H, W]</c>.</param>
    /// <param name="y">Output, same shape; must not alias <paramref name="x"/>.</param>
    /// <param name="g">Window and constants.</param>
    public void Lrn(ArrayView<float> x, ArrayView<float> y, in LrnGeometry g)
    {
        if (g.Length <= 0)
        {
            return;
        }

        Require(x, g.Length, "Lrn", nameof(x));
        Require(y, g.Length, "Lrn", nameof(y));
        lrn(Stream, LinearConfig(g.Length), x, y, g);
    }

    /// <summary>Inference batch norm <c>y = scale·(x − mean)/√(var + ε) + bias</c> per channel.</summary>
    /// <param name="x">Input.</param>
    /// <param name="scale">γ per channel.</param>
    /// <param name="bias">β per channel.</param>
    /// <param name="mean">Running mean per channel.</param>
    /// <param name="variance">Running variance per channel.</param>
    /// <param name="y">Output (may be <paramref name="x"/>).</param>
    /// <param name="g">(N, C, H·W).</param>
    /// <param name="epsilon">Added to the variance.</param>
    public void BatchNorm(
        ArrayView<float> x, ArrayView<float> scale, ArrayView<float> bias, ArrayView<float> mean,
        ArrayView<float> variance, ArrayView<float> y, in ChannelGeometry g, float epsilon)
    {
        if (g.Length <= 0)
        {
            return;
        }

        Require(x, g.Length, "BatchNorm", nameof(x));
        Require(y, g.Length, "BatchNorm", nameof(y));
        Require(scale, g.Channels, "BatchNorm", nameof(scale));
        Require(bias, g.Channels, "BatchNorm", nameof(bias));
        Require(mean, g.Channels, "BatchNorm", nameof(mean));
        Require(variance, g.Channels, "BatchNorm", nameof(variance));
        batchNorm(Stream, LinearConfig(g.Length), x, scale, bias, mean, variance, y, g, epsilon);
    }

    /// <summary><c>y = max(x, 0)</c> over the first <paramref name="length"/> elements.</summary>
    /// <param name="x">Input.</param>
    /// <param name="y">Output (may be <paramref name="x"/>).</param>
    /// <param name="length">Elements; defaults to all of <paramref name="y"/>.</param>
    public void Relu(ArrayView<float> x, ArrayView<float> y, int length = -1) =>
        Unary(relu, x, y, length, "Relu");

    /// <summary><c>y = 1/(1 + e^−x)</c>, finite for every finite input.</summary>
    /// <param name="x">Input.</param>
    /// <param name="y">Output (may be <paramref name="x"/>).</param>
    /// <param name="length">Elements; defaults to all of <paramref name="y"/>.</param>
    public void Sigmoid(ArrayView<float> x, ArrayView<float> y, int length = -1) =>
        Unary(sigmoid, x, y, length, "Sigmoid");

    /// <summary>Numerically stable (max-subtracted) softmax along the channel axis of <paramref name="g"/>.</summary>
    /// <param name="x">Input.</param>
    /// <param name="y">Output (may be <paramref name="x"/>).</param>
    /// <param name="g">(rows, axis length, trailing elements).</param>
    public void Softmax(ArrayView<float> x, ArrayView<float> y, in ChannelGeometry g)
    {
        if (g.Length <= 0)
        {
            return;
        }

        Require(x, g.Length, "Softmax", nameof(x));
        Require(y, g.Length, "Softmax", nameof(y));
        softmax(Stream, LinearConfig((long)g.Outer * g.Inner), x, y, g);
    }

    /// <summary><c>y = a + b</c> over the first <paramref name="length"/> elements.</summary>
    /// <param name="a">First addend.</param>
    /// <param name="b">Second addend.</param>
    /// <param name="y">Sum (may be <paramref name="a"/> or <paramref name="b"/>).</param>
    /// <param name="length">Elements; defaults to all of <paramref name="y"/>.</param>
    /// <param name="fuseRelu">Apply ReLU to the sum (the fused residual epilogue).</param>
    /// <param name="bLength">Elements of <paramref name="b"/> when it is one batch item repeated over <paramref name="a"/>; defaults to the sum's length.</param>
    public void Add(ArrayView<float> a, ArrayView<float> b, ArrayView<float> y, int length = -1, bool fuseRelu = false, int bLength = -1)
    {
        int n = length < 0 ? checked((int)y.Length) : length;
        if (n == 0)
        {
            return;
        }

        Require(a, n, "Add", nameof(a));
        int bn = bLength < 0 ? n : bLength;
        if (bn <= 0 || n % bn != 0)
        {
            throw new ArgumentException($"Add: b's {bn} elements do not divide the {n} of a.", nameof(bLength));
        }

        Require(b, bn, "Add", nameof(b));
        Require(y, n, "Add", nameof(y));
        add(Stream, LinearConfig(n), a, b, y, n, fuseRelu ? 1 : 0, bn);
    }

    /// <summary>SE gating <c>y[n,c,h,w] = x[n,c,h,w]·s[n,c]</c>.</summary>
    /// <param name="x">Input <c>[N, C, H, W]</c>.</param>
    /// <param name="scale">Gates <c>[N, C]</c>.</param>
    /// <param name="y">Output (may be <paramref name="x"/>).</param>
    /// <param name="g">(N, C, H·W).</param>
    public void ChannelScale(ArrayView<float> x, ArrayView<float> scale, ArrayView<float> y, in ChannelGeometry g)
    {
        if (g.Length <= 0)
        {
            return;
        }

        Require(x, g.Length, "ChannelScale", nameof(x));
        Require(scale, (long)g.Outer * g.Channels, "ChannelScale", nameof(scale));
        Require(y, g.Length, "ChannelScale", nameof(y));
        channelScale(Stream, LinearConfig(g.Length), x, scale, y, g);
    }

    /// <summary>Copies one concat input into its channel range of the whole output.</summary>
    /// <param name="x">The input <c>[N, Cin, H, W]</c>.</param>
    /// <param name="y">The concatenated output <c>[N, Cout, H, W]</c>.</param>
    /// <param name="slice">Where the input lands.</param>
    public void ConcatInto(ArrayView<float> x, ArrayView<float> y, in ConcatSlice slice)
    {
        if (slice.Length <= 0)
        {
            return;
        }

        if (slice.DestinationChannelOffset < 0 || slice.DestinationChannelOffset + slice.SourceChannels > slice.DestinationChannels)
        {
            throw new ArgumentException($"ConcatInto: channels [{slice.DestinationChannelOffset}, {slice.DestinationChannelOffset + slice.SourceChannels}) do not fit in {slice.DestinationChannels}.", nameof(slice));
        }

        Require(x, slice.Length, "ConcatInto", nameof(x));
        Require(y, (long)slice.Batch * slice.DestinationChannels * slice.Spatial, "ConcatInto", nameof(y));
        concatInto(Stream, LinearConfig(slice.Length), x, y, slice);
    }

    /// <summary><c>y = x</c> over the first <paramref name="length"/> elements.</summary>
    /// <param name="x">Source.</param>
    /// <param name="y">Destination.</param>
    /// <param name="length">Elements; defaults to all of <paramref name="y"/>.</param>
    public void Copy(ArrayView<float> x, ArrayView<float> y, int length = -1) =>
        Unary(copy, x, y, length, "Copy");

    /// <summary><c>y = min(max(x, min), max)</c> over the first <paramref name="length"/> elements.</summary>
    /// <param name="x">Input.</param>
    /// <param name="y">Output (may be <paramref name="x"/>).</param>
    /// <param name="length">Elements.</param>
    /// <param name="min">Lower bound.</param>
    /// <param name="max">Upper bound.</param>
    public void Clip(ArrayView<float> x, ArrayView<float> y, int length, float min, float max)
    {
        if (length > 0)
        {
            Require(x, length, "Clip", nameof(x));
            Require(y, length, "Clip", nameof(y));
            clip(Stream, LinearConfig(length), x, y, length, min, max);
        }
    }

    /// <summary><c>y = factor·x</c> over the first <paramref name="length"/> elements.</summary>
    /// <param name="x">Input.</param>
    /// <param name="y">Output (may be <paramref name="x"/>).</param>
    /// <param name="length">Elements.</param>
    /// <param name="factor">The factor.</param>
    public void Scale(ArrayView<float> x, ArrayView<float> y, int length, float factor)
    {
        if (length > 0)
        {
            Require(x, length, "Scale", nameof(x));
            Require(y, length, "Scale", nameof(y));
            scale(Stream, LinearConfig(length), x, y, length, factor);
        }
    }

    /// <summary>Copies whole channel planes: a channel shuffle or a channel slice.</summary>
    /// <param name="x">Input <c>[N, InChannels, H, W]</c>.</param>
    /// <param name="y">Output <c>[N, OutChannels, H, W]</c>; must not alias <paramref name="x"/>.</param>
    /// <param name="g">Which input channel each output channel copies.</param>
    public void ChannelGather(ArrayView<float> x, ArrayView<float> y, in ChannelGather g)
    {
        if (g.Length <= 0)
        {
            return;
        }

        Require(x, (long)g.Batch * g.InChannels * g.Spatial, "ChannelGather", nameof(x));
        Require(y, g.Length, "ChannelGather", nameof(y));
        channelGather(Stream, LinearConfig(g.Length), x, y, g);
    }

    private static void RequireGemm(ArrayView<float> a, ArrayView<float> b, ArrayView<float> bias, ArrayView<float> c, in GemmGeometry g)
    {
        if (g.K > 0)
        {
            Require(a, 1 + MaxOffset(g.BatchCount, g.ABatchStride, g.GroupCount, g.AGroupStride, g.M, g.ARowStride, g.K, g.AColStride), "Gemm", nameof(a));
            Require(b, 1 + MaxOffset(g.BatchCount, g.BBatchStride, g.GroupCount, g.BGroupStride, g.K, g.BRowStride, g.N, g.BColStride), "Gemm", nameof(b));
        }

        Require(c, 1 + MaxOffset(g.BatchCount, g.CBatchStride, g.GroupCount, g.CGroupStride, g.M, g.CRowStride, g.N, g.CColStride), "Gemm", nameof(c));
        if (g.HasBias)
        {
            Require(bias, 1 + MaxOffset(1, 0, g.GroupCount, g.BiasGroupStride, g.M, g.BiasRowStride, g.N, g.BiasColStride), "Gemm", nameof(bias));
        }
    }

    private static void RequireConv(ArrayView<float> x, ArrayView<float> w, ArrayView<float> bias, ArrayView<float> y, in ConvGeometry g)
    {
        if (g.Groups <= 0 || g.InChannels % g.Groups != 0 || g.OutChannels % g.Groups != 0)
        {
            throw new ArgumentException($"Conv2d: {g.InChannels} input and {g.OutChannels} output channels do not split into {g.Groups} groups.", nameof(g));
        }

        Require(x, (long)g.Batch * g.InChannels * g.InHeight * g.InWidth, "Conv2d", nameof(x));
        Require(w, (long)g.OutChannels * g.InChannelsPerGroup * g.KernelH * g.KernelW, "Conv2d", nameof(w));
        Require(y, g.OutputLength, "Conv2d", nameof(y));
        if (g.HasBias)
        {
            Require(bias, g.OutChannels, "Conv2d", nameof(bias));
        }
    }

    private void Unary(Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, int> kernel, ArrayView<float> x, ArrayView<float> y, int length, string op)
    {
        int n = length < 0 ? checked((int)y.Length) : length;
        if (n == 0)
        {
            return;
        }

        Require(x, n, op, nameof(x));
        Require(y, n, op, nameof(y));
        kernel(Stream, LinearConfig(n), x, y, n);
    }

    private static bool RequirePool(ArrayView<float> x, ArrayView<float> y, in PoolGeometry g, string op)
    {
        if (g.OutputLength <= 0)
        {
            return false;
        }

        Require(x, (long)g.Batch * g.Channels * g.InHeight * g.InWidth, op, nameof(x));
        Require(y, g.OutputLength, op, nameof(y));
        return true;
    }

    /// <summary>Releases the set's own device memory (the kernels belong to the accelerator).</summary>
    public void Dispose() => _noTable.Dispose();

    private void Load<TLauncher>(out TLauncher launcher, Delegate kernel)
        where TLauncher : Delegate
    {
        _kernels.Add(kernel.Method);
        launcher = Accelerator.LoadKernel<TLauncher>(kernel.Method);
    }

    private KernelConfig TileConfig(in TileExtent extent, int tileSide)
    {
        if (!TileSides.Contains(tileSide))
        {
            throw new ArgumentOutOfRangeException(nameof(tileSide), tileSide, $"This device runs tiles with group sides {string.Join(", ", TileSides)}.");
        }

        int side = TileGemmKernel.MicroTile * tileSide;
        long tiles = (long)((extent.N + side - 1) / side) * ((extent.M + side - 1) / side) * extent.Slices;
        int resident = Accelerator.NumMultiprocessors * Math.Max(1, Accelerator.MaxNumThreadsPerMultiprocessor / (tileSide * tileSide));
        return new KernelConfig(
            new Index2D((int)Math.Max(1, Math.Min(tiles, resident)), 1),
            new Index2D(tileSide, tileSide),
            SharedMemoryConfig.RequestDynamic<float>(TileGemmKernel.SharedFloats(tileSide)));
    }

    private KernelConfig LinearConfig(long work)
    {
        long groups = Math.Min((work + groupSize - 1) / groupSize, maxGroups);
        return new KernelConfig((int)groups, groupSize);
    }

    private static long MaxOffset(int d0, int s0, int d1, int s1, int d2, int s2, int d3, int s3) =>
        ((long)(d0 - 1) * s0) + ((long)(d1 - 1) * s1) + ((long)(d2 - 1) * s2) + ((long)(d3 - 1) * s3);

    private static void Require<T>(ArrayView<T> view, long elements, string op, string name)
        where T : unmanaged
    {
        if (view.Length < elements)
        {
            throw new ArgumentException($"{op}: '{name}' holds {view.Length} elements but the geometry needs {elements}.", name);
        }
    }
}

using System.Runtime.CompilerServices;

namespace CnnGpu.Kernels.Simd;

/// <summary>
/// A 3×3, stride-1 convolution by Winograd's minimal filtering F(4×4, 3×3) (Lavin &amp; Gray, 2016, points
/// 0, ±1, ±2, ∞) on channel-blocked tensors: each 6×6 input tile is transformed (<c>Bᵀ d B</c>), the 36
/// transformed positions are 36 matrix products with the weights transformed once at prepare time
/// (<c>G g Gᵀ</c>, in double) on the same register-tile microkernel as the 1×1 layers, and each 6×6 result
/// is transformed back to a 4×4 output tile (<c>Aᵀ M A</c>) with bias, residual and ReLU: 36 multiplies per
/// 16 outputs where the direct method needs 144.
/// </summary>
/// <remarks>
/// The transformed weights are 4× the layer's (9.4 MB for 256→256 channels), so the products are arranged to
/// read them once per run rather than once per tile: the tiles of the batch are taken in super-chunks whose
/// transformed inputs fit in cache (phase 1 transforms them, spread over the threads), then phase 2 hands out
/// (output panels × tile runs) so that each item streams its panels' weights once for all its tiles, and
/// transforms its products back to the output.
/// </remarks>
/// <typeparam name="TS">SIMD width.</typeparam>
/// <typeparam name="TV">Its vector type.</typeparam>
public sealed unsafe class WinogradConvolution<TS, TV> : IParallelWork, IStridedOutput, IDisposable
    where TS : struct, ISimd<TV>
    where TV : unmanaged
{
    /// <summary>Output tile side.</summary>
    public const int Tile = 4;

    /// <summary>Transformed tile side (tile + kernel − 1).</summary>
    public const int Alpha = 6;

    private const int Positions = Alpha * Alpha;

    private readonly ConvGeometry _g;
    private readonly ConvEpilogue _epilogue;
    private readonly WinogradWeights _weights;
    private readonly int _group;             // tiles per register tile (the microkernel's R)
    private readonly int _tilesY;
    private readonly int _tilesX;
    private readonly int _tilesPerImage;
    private readonly int _superTiles;        // tiles per super-chunk (a multiple of the group)
    private readonly int _inBlocks;
    private readonly int _outBlocks;
    private readonly nint[] _gemms;          // [blocks-1][tiles-1]
    private readonly AlignedBuffer _v;       // [36][inBlock][superTile][w]
    private readonly AlignedBuffer?[] _m;    // per thread: [36][2][tile of the item][w]
    private readonly int _threads;
    private float* _x;
    private float* _y;
    private nint _residualOffset;
    private bool _transforming;
    private int _first;                      // first tile of the current super-chunk
    private int _count;                      // its tiles
    private int _tilesPerItem;
    private int _panelsPerItem;

    /// <summary>Prepares the layer.</summary>
    /// <param name="g">A 3×3, stride-1, undilated, ungrouped layer (see <see cref="ConvGeometry.IsWinogradCandidate"/>).</param>
    /// <param name="weights">The transformed, packed weights.</param>
    /// <param name="epilogue">ReLU and residual.</param>
    /// <param name="tilesPerGroup">Tiles per register tile of the products (the microkernel's R).</param>
    /// <param name="threads">Threads of the pool that will run it (one product scratch each).</param>
    public WinogradConvolution(in ConvGeometry g, WinogradWeights weights, ConvEpilogue epilogue, int tilesPerGroup, int threads)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (!g.IsWinogradCandidate)
        {
            throw new ArgumentException("Winograd F(4x4,3x3) needs a 3x3, stride-1, undilated, ungrouped convolution.", nameof(g));
        }

        int w = TS.Width;
        _g = g;
        _weights = weights;
        _epilogue = epilogue;
        _group = Math.Clamp(tilesPerGroup, 1, ConvTile.MaxPixels);
        _tilesY = (g.OutHeight + Tile - 1) / Tile;
        _tilesX = (g.OutWidth + Tile - 1) / Tile;
        _tilesPerImage = _tilesY * _tilesX;
        _inBlocks = (g.InChannels + w - 1) / w;
        _outBlocks = (g.OutChannels + w - 1) / w;
        _superTiles = (int)Math.Min((_tilesPerImage * (long)g.Batch + WinogradPlanning.Passes(g, w, _group) - 1) / WinogradPlanning.Passes(g, w, _group), _tilesPerImage * (long)g.Batch);
        _superTiles = (_superTiles + _group - 1) / _group * _group;
        _v = new AlignedBuffer(checked(Positions * _inBlocks * _superTiles * w));
        _gemms = new nint[2 * _group];
        for (int b = 1; b <= 2; b++)
        {
            for (int r = 1; r <= _group; r++)
            {
                _gemms[((b - 1) * _group) + r - 1] = (nint)ConvTileTable.Get<TS, TV>(b, r, w);
            }
        }

        _threads = Math.Max(1, threads);
        _m = new AlignedBuffer?[_threads];
        OutputImageStride = (nint)_outBlocks * g.OutHeight * g.OutWidth * w;
        Algorithm = $"conv/winograd-4x4 {weights.Panels.Max(p => p.Blocks)}x{_group}";
    }

    /// <inheritdoc/>
    public nint OutputImageStride { get; set; }

    /// <summary>The algorithm and register tile.</summary>
    public string Algorithm { get; }

    /// <summary>Runs the layer.</summary>
    /// <param name="pool">Threads.</param>
    /// <param name="x">Blocked input.</param>
    /// <param name="y">Blocked output.</param>
    /// <param name="residual">Blocked residual when the epilogue adds one, else null.</param>
    public void Run(WorkerPool pool, float* x, float* y, float* residual)
    {
        ArgumentNullException.ThrowIfNull(pool);
        if (pool.Threads > _threads)
        {
            throw new ArgumentException($"Prepared for {_threads} threads, run on {pool.Threads}.", nameof(pool));
        }

        _x = x;
        _y = y;
        _residualOffset = _epilogue.Residual ? (nint)(residual - y) : 0;
        int total = _tilesPerImage * _g.Batch;
        for (_first = 0; _first < total; _first += _superTiles)
        {
            _count = Math.Min(_superTiles, total - _first);
            _transforming = true;
            pool.Run(this, (_count + _group - 1) / _group);
            _transforming = false;
            (_tilesPerItem, _panelsPerItem) = PlanProducts(_count, pool.Threads);
            int tileChunks = (_count + _tilesPerItem - 1) / _tilesPerItem;
            int panelChunks = (_weights.Panels.Count + _panelsPerItem - 1) / _panelsPerItem;
            pool.Run(this, tileChunks * panelChunks);
        }
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Execute(int index)
    {
        if (_transforming)
        {
            TransformInputs(index * _group, Math.Min(_group, _count - (index * _group)));
        }
        else
        {
            int tileChunks = (_count + _tilesPerItem - 1) / _tilesPerItem;
            Products(index % tileChunks * _tilesPerItem, index / tileChunks * _panelsPerItem);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _v.Dispose();
        foreach (var m in _m)
        {
            m?.Dispose();
        }
    }

    /// <summary>
    /// How phase 2 cuts (tiles × panels): each item streams its panels' transformed weights once and reads its tiles'
    /// transformed inputs once per panel; picks the cut with the least traffic that still gives every thread several items.
    /// </summary>
    private (int Tiles, int Panels) PlanProducts(int count, int threads)
    {
        int panels = _weights.Panels.Count;
        int groups = (count + _group - 1) / _group;
        double weightFloats = (double)Positions * _inBlocks * TS.Width * _outBlocks * TS.Width;
        double inputFloats = (double)Positions * _inBlocks * TS.Width * count;
        int wanted = Math.Min(WorkerPool.ItemsPerThread * threads, groups * panels);
        (int Tiles, int Panels) best = (_group, 1);
        double bestCost = double.MaxValue;
        for (int tileChunks = 1; tileChunks <= groups; tileChunks++)
        {
            int tiles = (groups + tileChunks - 1) / tileChunks * _group;
            for (int panelChunks = 1; panelChunks <= panels; panelChunks++)
            {
                if (tileChunks * panelChunks < wanted)
                {
                    continue;
                }

                int perChunk = (panels + panelChunks - 1) / panelChunks;
                double cost = (tileChunks * weightFloats) + (panelChunks * inputFloats);
                if (cost < bestCost)
                {
                    bestCost = cost;
                    best = (tiles, perChunk);
                }
            }
        }

        return best;
    }

    /// <summary>Phase 1: transforms tiles first … first+count−1 of the super-chunk (every input block).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void TransformInputs(int first, int count)
    {
        int w = TS.Width;
        nint position = (nint)_inBlocks * _superTiles * w;
        nint plane = (nint)_g.InHeight * _g.InWidth * w;
        for (int t = first; t < first + count; t++)
        {
            int global = _first + t;
            int n = global / _tilesPerImage, tile = global % _tilesPerImage;
            int ty = tile / _tilesX, tx = tile % _tilesX;
            float* image = _x + (n * _inBlocks * plane);
            for (int b = 0; b < _inBlocks; b++)
            {
                TransformInput(image + (b * plane), ty, tx, _v.Address + (((b * (nint)_superTiles) + t) * w), position);
            }
        }
    }

    /// <summary>Phase 2: the 36 products for a run of tiles and panels, and their transforms back into the output.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Products(int firstTile, int firstPanel)
    {
        int w = TS.Width;
        int tiles = Math.Min(_tilesPerItem, _count - firstTile);
        int lastPanel = Math.Min(_weights.Panels.Count, firstPanel + _panelsPerItem);
        int slot = WorkerPool.CurrentSlot;
        nint itemTiles = _tilesPerItem * (nint)w;
        var scratch = _m[slot] ??= new AlignedBuffer(checked(Positions * 2 * _tilesPerItem * w));
        if (scratch.Length < Positions * 2 * itemTiles)
        {
            scratch.Dispose();
            scratch = _m[slot] = new AlignedBuffer(checked((int)(Positions * 2 * itemTiles)));
        }

        float* m = scratch.Address;                                       // [36][2][tile][w]
        nint vPosition = (nint)_inBlocks * _superTiles * w;
        ConvTileArgs args = default;
        args.Blocks = _inBlocks;
        args.XBlockStride = (nint)_superTiles * w;
        args.Rows = 1;
        args.Cols = 1;
        args.ChannelsPerBlock = w;
        args.XChannelStride = 1;
        args.YPixelStride = w;
        args.YBlockStride = itemTiles;
        for (int p = firstPanel; p < lastPanel; p++)
        {
            var panel = _weights.Panels[p];
            args.WColStride = (nint)w * panel.Blocks * w;
            args.WRowStride = args.WColStride;
            args.WBlockStride = args.WColStride;
            for (int position = 0; position < Positions; position++)
            {
                float* weights = _weights.Position(position) + panel.Offset;
                float* v = _v.Address + (position * vPosition) + (firstTile * (nint)w);
                float* product = m + (position * 2 * itemTiles);
                for (int t = 0; t < tiles; t += _group)
                {
                    int r = Math.Min(_group, tiles - t);
                    var gemm = (delegate*<float*, float*, float*, ConvTileArgs*, void>)_gemms[((panel.Blocks - 1) * _group) + r - 1];
                    gemm(v + (t * w), weights, product + (t * w), &args);
                }
            }

            for (int o = 0; o < panel.Blocks; o++)
            {
                int block = panel.FirstBlock + o;
                TV bias = TS.Load(_weights.Bias.Address + (block * w));
                for (int t = 0; t < tiles; t++)
                {
                    int global = _first + firstTile + t;
                    int n = global / _tilesPerImage, tile = global % _tilesPerImage;
                    float* plane = _y + (n * OutputImageStride) + ((nint)block * _g.OutHeight * _g.OutWidth * w);
                    TransformOutput(m + (((o * _tilesPerItem) + t) * w), 2 * itemTiles, plane, tile / _tilesX, tile % _tilesX, bias);
                }
            }
        }
    }

    /// <summary>V = Bᵀ d B of the 6×6 input tile at tile (ty, tx) of one channel block; position p goes to v + p·stride.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void TransformInput(float* plane, int ty, int tx, float* v, nint stride)
    {
        var g = _g;
        int w = TS.Width;
        int iy0 = (ty * Tile) - g.PadTop, ix0 = (tx * Tile) - g.PadLeft;
        bool inside = iy0 >= 0 && ix0 >= 0 && iy0 + Alpha <= g.InHeight && ix0 + Alpha <= g.InWidth;
        TV* d = stackalloc TV[Positions];
        for (int r = 0; r < Alpha; r++)
        {
            int iy = iy0 + r;
            float* row = plane + ((nint)iy * g.InWidth * w);
            for (int c = 0; c < Alpha; c++)
            {
                int ix = ix0 + c;
                d[(r * Alpha) + c] = inside || ((uint)iy < (uint)g.InHeight && (uint)ix < (uint)g.InWidth) ? TS.Load(row + (ix * w)) : TS.Zero;
            }
        }

        // Bᵀ·d (columns), then ·B (rows), in place.
        TV* t = stackalloc TV[Positions];
        for (int c = 0; c < Alpha; c++)
        {
            BT(d[c], d[Alpha + c], d[(2 * Alpha) + c], d[(3 * Alpha) + c], d[(4 * Alpha) + c], d[(5 * Alpha) + c], t + c, Alpha);
        }

        for (int r = 0; r < Alpha; r++)
        {
            TV* tr = t + (r * Alpha);
            BT(tr[0], tr[1], tr[2], tr[3], tr[4], tr[5], d + (r * Alpha), 1);
        }

        for (int p = 0; p < Positions; p++)
        {
            TS.Store(v + (p * stride), d[p]);
        }
    }

    /// <summary>One 6-point input transform: <c>out[k·step] = (Bᵀ·[d0..d5])[k]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BT(TV d0, TV d1, TV d2, TV d3, TV d4, TV d5, TV* output, int step)
    {
        TV four = TS.Broadcast(4f), five = TS.Broadcast(5f), two = TS.Broadcast(2f);
        TV d4MinusD2 = TS.Subtract(d4, d2);
        TV a = TS.Subtract(d4, TS.Multiply(four, d2));          // d4 − 4d2
        TV b = TS.Subtract(d3, TS.Multiply(four, d1));          // d3 − 4d1
        TV c = TS.Multiply(two, TS.Subtract(d3, d1));           // 2(d3 − d1)
        output[0] = TS.Add(TS.Subtract(TS.Multiply(four, d0), TS.Multiply(five, d2)), d4);
        output[step] = TS.Add(a, b);
        output[2 * step] = TS.Subtract(a, b);
        output[3 * step] = TS.Add(d4MinusD2, c);
        output[4 * step] = TS.Subtract(d4MinusD2, c);
        output[5 * step] = TS.Add(TS.Subtract(TS.Multiply(four, d1), TS.Multiply(five, d3)), d5);
    }

    /// <summary>Y = Aᵀ M A for one output channel block of one tile, plus bias, residual and ReLU, clipped to the image.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void TransformOutput(float* m, nint stride, float* plane, int ty, int tx, TV bias)
    {
        var g = _g;
        int w = TS.Width;
        TV* s = stackalloc TV[Tile * Alpha];
        for (int c = 0; c < Alpha; c++)
        {
            AT(TS.Load(m + (c * stride)), TS.Load(m + ((Alpha + c) * stride)), TS.Load(m + (((2 * Alpha) + c) * stride)),
               TS.Load(m + (((3 * Alpha) + c) * stride)), TS.Load(m + (((4 * Alpha) + c) * stride)), TS.Load(m + (((5 * Alpha) + c) * stride)), s + c, Alpha);
        }

        TV* o = stackalloc TV[Tile * Tile];
        for (int r = 0; r < Tile; r++)
        {
            TV* sr = s + (r * Alpha);
            AT(sr[0], sr[1], sr[2], sr[3], sr[4], sr[5], o + (r * Tile), 1);
        }

        int oy0 = ty * Tile, ox0 = tx * Tile;
        int rows = Math.Min(Tile, g.OutHeight - oy0), cols = Math.Min(Tile, g.OutWidth - ox0);
        for (int r = 0; r < rows; r++)
        {
            float* row = plane + ((((nint)(oy0 + r) * g.OutWidth) + ox0) * w);
            for (int c = 0; c < cols; c++)
            {
                TV value = TS.Add(o[(r * Tile) + c], bias);
                float* at = row + (c * w);
                if (_epilogue.Residual)
                {
                    value = TS.Add(value, TS.Load(at + _residualOffset));
                }

                TS.Store(at, _epilogue.Apply<TS, TV>(value));
            }
        }
    }

    /// <summary>One 6→4-point output transform: <c>out[k·step] = (Aᵀ·[m0..m5])[k]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AT(TV m0, TV m1, TV m2, TV m3, TV m4, TV m5, TV* output, int step)
    {
        TV two = TS.Broadcast(2f), four = TS.Broadcast(4f), eight = TS.Broadcast(8f);
        TV sum12 = TS.Add(m1, m2), diff12 = TS.Subtract(m1, m2);
        TV sum34 = TS.Add(m3, m4), diff34 = TS.Subtract(m3, m4);
        output[0] = TS.Add(TS.Add(m0, sum12), sum34);
        output[step] = TS.Fma(two, diff34, diff12);
        output[2 * step] = TS.Fma(four, sum34, sum12);
        output[3 * step] = TS.Add(TS.Fma(eight, diff34, diff12), m5);
    }
}

/// <summary>
/// Weights of a 3×3 layer transformed for Winograd F(4×4, 3×3) (<c>U = G g Gᵀ</c>, computed in double) and
/// packed as 36 pointwise weight sets in the microkernel's panel layout, shared by every plan of a model.
/// </summary>
public sealed unsafe class WinogradWeights : IDisposable
{
    // G for points 0, ±1, ±2, ∞ (Lavin & Gray).
    private static readonly double[,] G =
    {
        { 1.0 / 4, 0, 0 },
        { -1.0 / 6, -1.0 / 6, -1.0 / 6 },
        { -1.0 / 6, 1.0 / 6, -1.0 / 6 },
        { 1.0 / 24, 1.0 / 12, 1.0 / 6 },
        { 1.0 / 24, -1.0 / 12, 1.0 / 6 },
        { 0, 0, 1 },
    };

    private readonly AlignedBuffer _packed;
    private readonly long _positionLength;

    /// <summary>Transforms and packs a layer's weights.</summary>
    /// <param name="g">The layer (3×3, stride 1, ungrouped).</param>
    /// <param name="width">Floats per vector.</param>
    /// <param name="weights"><c>[K, C, 3, 3]</c>.</param>
    /// <param name="bias">K values, or empty.</param>
    public WinogradWeights(in ConvGeometry g, int width, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias)
    {
        int k = g.OutChannels, c = g.InChannels;
        var pointwise = new ConvGeometry(1, c, 1, 1, k, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, false);
        Panels = ConvWeightPacking.Plan(pointwise, width, blockedInput: true);
        _positionLength = ConvWeightPacking.PackedLength(pointwise, width, true, Panels);
        _packed = new AlignedBuffer(checked((int)(36 * _positionLength)));

        // U[p][k][c] for each of the 36 positions, then packed like a 1×1 layer's weights.
        var u = new float[36][];
        for (int p = 0; p < 36; p++)
        {
            u[p] = new float[k * c];
        }

        Span<double> tmp = stackalloc double[18];
        for (int o = 0; o < k; o++)
        {
            for (int i = 0; i < c; i++)
            {
                var f = weights.Slice(((o * c) + i) * 9, 9);
                for (int a = 0; a < 6; a++)
                {
                    for (int col = 0; col < 3; col++)
                    {
                        tmp[(a * 3) + col] = (G[a, 0] * f[col]) + (G[a, 1] * f[3 + col]) + (G[a, 2] * f[6 + col]);
                    }
                }

                for (int a = 0; a < 6; a++)
                {
                    for (int b = 0; b < 6; b++)
                    {
                        u[(a * 6) + b][(o * c) + i] = (float)((tmp[a * 3] * G[b, 0]) + (tmp[(a * 3) + 1] * G[b, 1]) + (tmp[(a * 3) + 2] * G[b, 2]));
                    }
                }
            }
        }

        for (int p = 0; p < 36; p++)
        {
            ConvWeightPacking.Pack(u[p], pointwise, width, true, Panels, _packed.Span.Slice(checked((int)(p * _positionLength)), checked((int)_positionLength)));
        }

        Bias = new AlignedBuffer(((k + width - 1) / width) * width);
        bias.CopyTo(Bias.Span);
    }

    /// <summary>The output-block panels (the same for every position).</summary>
    public IReadOnlyList<ConvPanel> Panels { get; }

    /// <summary>The bias padded to whole blocks.</summary>
    public AlignedBuffer Bias { get; }

    /// <summary>The packed weights of transformed position <paramref name="position"/> (0 … 35).</summary>
    /// <param name="position">Row-major position in the 6×6 transformed tile.</param>
    public float* Position(int position) => _packed.Address + (position * _positionLength);

    /// <inheritdoc/>
    public void Dispose()
    {
        _packed.Dispose();
        Bias.Dispose();
    }
}

/// <summary>Sizes of a Winograd F(4×4, 3×3) run, shared by the kernel and the backend's choice of algorithm.</summary>
public static class WinogradPlanning
{
    // Transformed inputs of one super-chunk stay in the L2 cache next to a panel of weights (measured: 2 MB super-chunks
    // made the transform twice as slow as 512 KB ones on a 2 MB L2).
    private const long TransformedInputBudget = 768L << 10;

    /// <summary>How many super-chunks a run of <paramref name="g"/> takes: the transformed weights are streamed once per super-chunk.</summary>
    /// <param name="g">The layer.</param>
    /// <param name="width">Floats per vector.</param>
    /// <param name="tilesPerGroup">Tiles per register tile.</param>
    public static int Passes(in ConvGeometry g, int width, int tilesPerGroup)
    {
        int group = Math.Clamp(tilesPerGroup, 1, ConvTile.MaxPixels);
        long perTile = 36L * ((g.InChannels + width - 1) / width) * width * sizeof(float);
        int budgetTiles = (int)Math.Max(group, TransformedInputBudget / perTile / group * group);
        long tiles = (long)g.Batch * ((g.OutHeight + 3) / 4) * ((g.OutWidth + 3) / 4);
        return (int)((tiles + budgetTiles - 1) / budgetTiles);
    }

    /// <summary>Bytes of transformed weights (36 positions of K×C, padded to whole blocks).</summary>
    /// <param name="g">The layer.</param>
    /// <param name="width">Floats per vector.</param>
    public static long WeightBytes(in ConvGeometry g, int width) =>
        36L * ((g.InChannels + width - 1) / width) * width * ((g.OutChannels + width - 1) / width) * width * sizeof(float);
}

namespace CnnGpu.Kernels.Simd;

/// <summary>
/// A 3×3, stride-1 convolution by Winograd's minimal filtering F(4×4, 3×3) (Lavin &amp; Gray, 2016, points
/// 0, ±1, ±2, ∞) on channel-blocked tensors: each 6×6 input tile is transformed (<c>Bᵀ d B</c>), the 36
/// transformed positions are 36 matrix products with the weights transformed once at prepare time
/// (<c>G g Gᵀ</c>, in double) on the same register-tile microkernel as the 1×1 layers, and each 6×6 result
/// is transformed back to a 4×4 output tile (<c>Aᵀ M A</c>) with bias, residual and ReLU. That is 36
/// multiplies per 16 outputs where the direct method needs 144. A work item is a run of tiles of one image
/// (one register tile of them), so the transformed tiles stay in the thread's cache between the steps.
/// </summary>
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
    private readonly int _tilesPerItem;
    private readonly int _tilesY;
    private readonly int _tilesX;
    private readonly int _chunks;
    private readonly int _inBlocks;
    private readonly int _outBlocks;
    private readonly nint[] _gemms;          // [blocks-1][tiles-1]
    private readonly AlignedBuffer?[] _scratch;
    private float* _x;
    private float* _y;
    private nint _residualOffset;

    /// <summary>Prepares the layer.</summary>
    /// <param name="g">A 3×3, stride-1, undilated, ungrouped layer (see <see cref="ConvGeometry.IsWinogradCandidate"/>).</param>
    /// <param name="weights">The transformed, packed weights.</param>
    /// <param name="epilogue">ReLU and residual.</param>
    /// <param name="tilesPerItem">Tiles per register tile of the products (the microkernel's R).</param>
    /// <param name="threads">Threads of the pool that will run it (one scratch area each).</param>
    public WinogradConvolution(in ConvGeometry g, WinogradWeights weights, ConvEpilogue epilogue, int tilesPerItem, int threads)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (!g.IsWinogradCandidate)
        {
            throw new ArgumentException("Winograd F(4x4,3x3) needs a 3x3, stride-1, undilated, ungrouped convolution.", nameof(g));
        }

        _g = g;
        _weights = weights;
        _epilogue = epilogue;
        _tilesPerItem = Math.Clamp(tilesPerItem, 1, ConvTile.MaxPixels);
        _tilesY = (g.OutHeight + Tile - 1) / Tile;
        _tilesX = (g.OutWidth + Tile - 1) / Tile;
        _chunks = ((_tilesY * _tilesX) + _tilesPerItem - 1) / _tilesPerItem;
        _inBlocks = (g.InChannels + TS.Width - 1) / TS.Width;
        _outBlocks = (g.OutChannels + TS.Width - 1) / TS.Width;
        _gemms = new nint[2 * _tilesPerItem];
        for (int b = 1; b <= 2; b++)
        {
            for (int r = 1; r <= _tilesPerItem; r++)
            {
                _gemms[((b - 1) * _tilesPerItem) + r - 1] = (nint)ConvTileTable.Get<TS, TV>(b, r, TS.Width);
            }
        }

        _scratch = new AlignedBuffer?[Math.Max(1, threads)];
        OutputImageStride = (nint)_outBlocks * g.OutHeight * g.OutWidth * TS.Width;
        Algorithm = $"conv/winograd-4x4 {weights.Panels.Max(p => p.Blocks)}x{_tilesPerItem}";
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
        if (pool.Threads > _scratch.Length)
        {
            throw new ArgumentException($"Prepared for {_scratch.Length} threads, run on {pool.Threads}.", nameof(pool));
        }

        _x = x;
        _y = y;
        _residualOffset = _epilogue.Residual ? (nint)(residual - y) : 0;
        pool.Run(this, _g.Batch * _chunks);
    }

    /// <inheritdoc/>
    public void Execute(int index)
    {
        int w = TS.Width;
        int n = index / _chunks;
        int first = index % _chunks * _tilesPerItem;
        int tiles = Math.Min(_tilesPerItem, (_tilesY * _tilesX) - first);
        int slot = WorkerPool.CurrentSlot;
        int tileFloats = _tilesPerItem * w;
        var scratch = _scratch[slot] ??= new AlignedBuffer(Positions * ((_inBlocks * tileFloats) + (2 * tileFloats)));
        float* v = scratch.Address;                                        // [36][inBlock][tile][w]
        float* m = v + (Positions * _inBlocks * tileFloats);               // [36][2][tile][w]

        float* x = _x + ((nint)n * _inBlocks * _g.InHeight * _g.InWidth * w);
        for (int t = 0; t < tiles; t++)
        {
            int ty = (first + t) / _tilesX, tx = (first + t) % _tilesX;
            for (int b = 0; b < _inBlocks; b++)
            {
                TransformInput(x + ((nint)b * _g.InHeight * _g.InWidth * w), ty, tx, v + (((b * _tilesPerItem) + t) * w), _inBlocks * tileFloats);
            }
        }

        ConvTileArgs args = default;
        args.Blocks = _inBlocks;
        args.XBlockStride = tileFloats;
        args.Rows = 1;
        args.Cols = 1;
        args.ChannelsPerBlock = w;
        args.XChannelStride = 1;
        args.YPixelStride = w;
        args.YBlockStride = tileFloats;
        float* y = _y + (n * OutputImageStride);
        foreach (var panel in _weights.Panels)
        {
            args.WColStride = (nint)w * panel.Blocks * w;
            args.WRowStride = args.WColStride;
            args.WBlockStride = args.WColStride;
            var gemm = (delegate*<float*, float*, float*, ConvTileArgs*, void>)_gemms[((panel.Blocks - 1) * _tilesPerItem) + tiles - 1];
            for (int p = 0; p < Positions; p++)
            {
                gemm(v + (p * _inBlocks * tileFloats), _weights.Position(p) + panel.Offset, m + (p * 2 * tileFloats), &args);
            }

            for (int o = 0; o < panel.Blocks; o++)
            {
                int block = panel.FirstBlock + o;
                TV bias = TS.Load(_weights.Bias.Address + (block * w));
                float* yb = y + ((nint)block * _g.OutHeight * _g.OutWidth * w);
                for (int t = 0; t < tiles; t++)
                {
                    int ty = (first + t) / _tilesX, tx = (first + t) % _tilesX;
                    TransformOutput(m + (((o * _tilesPerItem) + t) * w), 2 * tileFloats, yb, ty, tx, bias);
                }
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var s in _scratch)
        {
            s?.Dispose();
        }
    }

    /// <summary>V = Bᵀ d B of the 6×6 input tile at tile (ty, tx) of one channel block; position p goes to v + p·stride.</summary>
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

                TS.Store(at, _epilogue.Relu ? TS.Relu(value) : value);
            }
        }
    }

    /// <summary>One 6→4-point output transform: <c>out[k·step] = (Aᵀ·[m0..m5])[k]</c>.</summary>
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

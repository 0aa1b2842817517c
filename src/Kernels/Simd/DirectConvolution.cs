using System.Runtime.CompilerServices;

namespace CnnGpu.Kernels.Simd;

/// <summary>How a convolution's output is finished before it is stored.</summary>
/// <param name="Relu">Apply ReLU.</param>
/// <param name="Residual">Add a residual tensor laid out like the output (before the ReLU).</param>
/// <param name="Relu6">With <paramref name="Relu"/>, also cap at 6 (ReLU6, MobileNet-v2).</param>
public readonly record struct ConvEpilogue(bool Relu, bool Residual, bool Relu6 = false)
{
    /// <summary>The activation applied to one vector of results.</summary>
    /// <typeparam name="TS">SIMD width.</typeparam>
    /// <typeparam name="TV">Its vector type.</typeparam>
    /// <param name="v">Results before the activation.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Apply<TS, TV>(TV v)
        where TS : struct, ISimd<TV>
        where TV : unmanaged =>
        !Relu ? v : Relu6 ? TS.Min(TS.Relu(v), TS.Broadcast(6f)) : TS.Relu(v);
}

/// <summary>
/// A convolution run as register tiles of <see cref="ConvTile"/> over packed weight panels, written to a
/// channel-blocked output (<c>[N][K/W][OH][OW][W]</c>). Three ways to walk the output:
/// <list type="bullet">
/// <item><b>pointwise</b> (1×1, stride 1, no padding): the pixels of an image are one flat run, tiled without regard to rows.</item>
/// <item><b>direct</b> (blocked input): a work item is a block of output rows for a run of panels, cut to move the least
/// data (see <see cref="PlanBlocks"/>). It first copies the input rows its taps read into a per-thread scratch with the
/// padding as zeros, so every pixel — border pixels included — is in a full register tile, and tiles are balanced over
/// the row (a 14-wide row is one tile of 14, a 7-wide one a tile of 7); then each panel's weights serve all its rows.</item>
/// <item><b>nchw-direct</b> (NCHW input: a first layer of three channels): no copy; border pixels clip their taps one
/// pixel at a time, a small share of the wide rows such layers have.</item>
/// </list>
/// </summary>
/// <typeparam name="TS">SIMD width.</typeparam>
/// <typeparam name="TV">Its vector type.</typeparam>
public sealed unsafe class DirectConvolution<TS, TV> : IParallelWork, IStridedOutput, IDisposable
    where TS : struct, ISimd<TV>
    where TV : unmanaged
{

    private readonly ConvGeometry _g;
    private readonly PackedConvWeights _weights;
    private readonly ConvEpilogue _epilogue;
    private readonly Walk _walk;
    private readonly int _tilePixels;
    private readonly int _width = TS.Width;
    private readonly nint[] _tiles;        // [blocks-1][pixels-1] function pointers at the interior pixel stride
    private readonly nint[] _singles;      // [blocks-1] one-pixel tiles
    private readonly nint _xImage, _xPlane, _xRow, _xPixel, _xChannel, _yPlane;
    private readonly int _chunks;          // per image and panel (nchw-direct), per batch (direct, pointwise)
    private readonly int _tilesPerChunk;   // pointwise: register tiles per item, numbered across the batch
    private readonly int _panelsPerChunk;
    private readonly int _rowsPerChunk;
    private readonly int _scratchWidth;    // columns of a padded scratch row (direct)
    private readonly AlignedBuffer?[] _scratch;
    private float* _x;
    private float* _y;
    private nint _residualOffset;

    /// <summary>Prepares the layer.</summary>
    /// <param name="g">The layer (logical NCHW geometry).</param>
    /// <param name="blockedInput">Whether the input is channel-blocked (else NCHW).</param>
    /// <param name="weights">The packed weights (packed for the same width and input layout).</param>
    /// <param name="epilogue">ReLU and residual.</param>
    /// <param name="threads">Threads of the pool that will run it (one scratch row buffer each).</param>
    /// <param name="pointwise">Run a pointwise layer (1×1, stride 1, no padding, blocked input) over its pixels as one flat run.</param>
    public DirectConvolution(in ConvGeometry g, bool blockedInput, PackedConvWeights weights, ConvEpilogue epilogue, int threads, bool pointwise = true)
    {
        ArgumentNullException.ThrowIfNull(weights);
        _g = g;
        _weights = weights;
        _epilogue = epilogue;
        _walk = !blockedInput ? Walk.NchwInput : pointwise && g.IsPointwise ? Walk.Pointwise : Walk.PaddedRows;
        int w = TS.Width;
        int inBlocks = (g.InChannels + w - 1) / w, outBlocks = (g.OutChannels + w - 1) / w;
        _xPixel = blockedInput ? w : 1;
        _xRow = g.InWidth * _xPixel;
        _xPlane = g.InHeight * _xRow;
        _xChannel = blockedInput ? 1 : _xPlane;
        _xImage = blockedInput ? inBlocks * _xPlane : g.InChannels * _xPlane;
        _yPlane = (nint)g.OutHeight * g.OutWidth * w;
        OutputImageStride = outBlocks * _yPlane;

        int maxTile = ConvTile.PreferredPixels(TS.Width);
        int pixelStride = checked((int)(g.StrideW * _xPixel));
        bool instantiated = ConvTileTable.PixelStrides.Contains(pixelStride);
        _tilePixels = !instantiated && _walk != Walk.Pointwise ? 1
            : _walk == Walk.PaddedRows ? CeilDiv(g.OutWidth, CeilDiv(g.OutWidth, maxTile))   // balanced tiles over a row
            : maxTile;
        _tiles = new nint[2 * _tilePixels];
        _singles = new nint[2];
        for (int b = 1; b <= 2; b++)
        {
            _singles[b - 1] = (nint)ConvTileTable.Get<TS, TV>(b, 1, 1);
            for (int r = 1; r <= _tilePixels; r++)
            {
                _tiles[((b - 1) * _tilePixels) + r - 1] = (nint)ConvTileTable.Get<TS, TV>(b, r, instantiated ? pixelStride : 1);
            }
        }

        int panels = weights.Panels.Count;
        _panelsPerChunk = 1;
        _scratch = [];
        switch (_walk)
        {
            case Walk.Pointwise:
                (_tilesPerChunk, _panelsPerChunk) = PlanPointwise(g, weights, threads, _tilePixels);
                _chunks = CeilDiv(g.Batch * CeilDiv(g.OutHeight * g.OutWidth, _tilePixels), _tilesPerChunk) * CeilDiv(panels, _panelsPerChunk);
                break;
            case Walk.NchwInput:
                _chunks = g.OutHeight;
                break;
            default:
                _scratchWidth = ((g.OutWidth - 1) * g.StrideW) + ((g.KernelW - 1) * g.DilationW) + 1;
                (_rowsPerChunk, _panelsPerChunk) = PlanBlocks(g, weights, threads);
                _chunks = CeilDiv(g.Batch * g.OutHeight, _rowsPerChunk) * CeilDiv(panels, _panelsPerChunk);
                _scratch = new AlignedBuffer?[Math.Max(1, threads)];
                break;
        }

        int maxBlocks = weights.Panels.Max(p => p.Blocks);
        Algorithm = $"conv/{(_walk == Walk.Pointwise ? "pointwise" : _walk == Walk.PaddedRows ? "direct" : "nchw-direct")} {maxBlocks}x{_tilePixels}";
    }

    private enum Walk
    {
        Pointwise,
        PaddedRows,
        NchwInput,
    }

    /// <summary>The algorithm and register tile, e.g. <c>conv/direct 2x14</c>.</summary>
    public string Algorithm { get; }

    /// <inheritdoc/>
    public nint OutputImageStride { get; set; }

    /// <summary>Work items per run.</summary>
    public int ItemCount => _walk switch
    {
        Walk.NchwInput => _g.Batch * _weights.Panels.Count * _chunks,
        _ => _chunks,
    };

    /// <summary>Runs the layer.</summary>
    /// <param name="pool">Threads.</param>
    /// <param name="x">Input (blocked or NCHW as prepared).</param>
    /// <param name="y">Blocked output.</param>
    /// <param name="residual">Blocked residual when the epilogue adds one, else null.</param>
    public void Run(WorkerPool pool, float* x, float* y, float* residual)
    {
        ArgumentNullException.ThrowIfNull(pool);
        if (_walk == Walk.PaddedRows && pool.Threads > _scratch.Length)
        {
            throw new ArgumentException($"Prepared for {_scratch.Length} threads, run on {pool.Threads}.", nameof(pool));
        }

        _x = x;
        _y = y;
        _residualOffset = _epilogue.Residual ? (nint)(residual - y) : 0;
        pool.Run(this, ItemCount);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Execute(int index)
    {
        if (_walk == Walk.PaddedRows)
        {
            PaddedRow(index);
            return;
        }

        if (_walk == Walk.Pointwise)
        {
            PointwiseBlock(index);
            return;
        }

        int chunk = index % _chunks;
        int rest = index / _chunks;
        int panelIndex = rest % _weights.Panels.Count;
        int n = rest / _weights.Panels.Count;
        var panel = _weights.Panels[panelIndex];
        ConvTileArgs args = Args(panel);
        float* x = _x + (n * _xImage) + (panel.FirstInputBlock * _xPlane);
        float* w = _weights.Weights.Address + panel.Offset;
        float* y = _y + (n * OutputImageStride) + (panel.FirstBlock * _yPlane);
        ClippedRow(chunk, panel.Blocks, x, w, y, &args);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var s in _scratch)
        {
            s?.Dispose();
        }
    }

    private ConvTileArgs Args(ConvPanel panel)
    {
        ConvTileArgs args = default;
        args.Blocks = panel.InputBlocks;
        args.XBlockStride = _xPlane;
        args.ChannelsPerBlock = _walk == Walk.NchwInput ? _g.InChannels : _width;
        args.XChannelStride = _xChannel;
        args.WColStride = (nint)args.ChannelsPerBlock * panel.Blocks * _width;
        args.WRowStride = _g.KernelW * args.WColStride;
        args.WBlockStride = _g.KernelH * args.WRowStride;
        args.XRowStride = _xRow * _g.DilationH;
        args.XColStride = _xPixel * _g.DilationW;
        args.YPixelStride = _width;
        args.YBlockStride = _yPlane;
        args.Bias = _weights.Bias.Address + (panel.FirstBlock * _width);
        args.HasResidual = _epilogue.Residual;
        args.ResidualOffset = _residualOffset;
        args.Relu = _epilogue.Relu;
        args.Relu6 = _epilogue.Relu6;
        return args;
    }

    /// <summary>
    /// How to cut a pointwise layer into (tiles × panels) items, the tiles numbered across the whole batch: each item
    /// reads its tiles' inputs once for all its panels and its panels' weights once for all its tiles. Early layers
    /// (3136 pixels, 64 KB of weights) take every panel and split the tiles, so a 3 MB input is not re-read from L3
    /// once per panel; late ones (49 pixels, 4 MB of weights) split the panels, and at batch 8 an item's tiles span
    /// images, so the weights are streamed once per batch rather than once per image.
    /// </summary>
    private static (int Tiles, int Panels) PlanPointwise(in ConvGeometry g, PackedConvWeights weights, int threads, int tile)
    {
        int panels = weights.Panels.Count, w = TS.Width;
        int tiles = g.Batch * CeilDiv(g.OutHeight * g.OutWidth, tile);
        double weightFloats = weights.Weights.Length;
        double inputFloats = (double)((g.InChannels + w - 1) / w) * w * g.OutHeight * g.OutWidth * g.Batch;
        int wanted = Math.Min(WorkerPool.ItemsPerThread * threads, tiles * panels);
        (int Tiles, int Panels) best = (1, 1);
        double bestCost = double.MaxValue;
        for (int tileChunks = 1; tileChunks <= tiles; tileChunks++)
        {
            int perTileChunk = CeilDiv(tiles, tileChunks);
            if (tileChunks > 1 && CeilDiv(tiles, perTileChunk) != tileChunks)
            {
                continue;
            }

            for (int panelChunks = 1; panelChunks <= panels; panelChunks++)
            {
                int perChunk = CeilDiv(panels, panelChunks);
                if ((panelChunks > 1 && CeilDiv(panels, perChunk) != panelChunks) || tileChunks * panelChunks < wanted)
                {
                    continue;
                }

                double cost = (tileChunks * weightFloats) + (panelChunks * inputFloats);
                if (cost < bestCost)
                {
                    bestCost = cost;
                    best = (perTileChunk, perChunk);
                }
            }
        }

        return best;
    }

    /// <summary>A run of tiles (across images) for a run of panels of a pointwise layer: panel outer, so each panel's weights serve every tile.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void PointwiseBlock(int index)
    {
        int pixels = _g.OutHeight * _g.OutWidth;
        int tilesPerImage = CeilDiv(pixels, _tilePixels);
        int panelChunks = CeilDiv(_weights.Panels.Count, _panelsPerChunk);
        int firstTile = index / panelChunks * _tilesPerChunk;
        int lastTile = Math.Min(_g.Batch * tilesPerImage, firstTile + _tilesPerChunk);
        int firstPanel = index % panelChunks * _panelsPerChunk;
        int lastPanel = Math.Min(_weights.Panels.Count, firstPanel + _panelsPerChunk);
        for (int p = firstPanel; p < lastPanel; p++)
        {
            var panel = _weights.Panels[p];
            ConvTileArgs args = Args(panel);
            args.Rows = 1;
            args.Cols = 1;
            float* w = _weights.Weights.Address + panel.Offset;
            for (int t = firstTile; t < lastTile; t++)
            {
                int n = t / tilesPerImage, px = t % tilesPerImage * _tilePixels;
                int r = Math.Min(_tilePixels, pixels - px);
                float* x = _x + (n * _xImage) + (panel.FirstInputBlock * _xPlane);
                float* y = _y + (n * OutputImageStride) + (panel.FirstBlock * _yPlane);
                var tile = (delegate*<float*, float*, float*, ConvTileArgs*, void>)_tiles[((panel.Blocks - 1) * _tilePixels) + r - 1];
                tile(x + (px * _xPixel), w, y + (px * _width), &args);
            }
        }
    }

    /// <summary>
    /// How to cut the output into work items of (rows × panels): every item copies the input rows its rows read
    /// (once for all its panels) and streams its panels' weights (once for all its rows). Small images with many
    /// channels (ResNet's last stage: 9 MB of weights, 7 rows) take all rows and split the panels; large images with
    /// few channels split the rows. Picks the split with the least traffic that still gives every thread several items.
    /// </summary>
    private static (int Rows, int Panels) PlanBlocks(in ConvGeometry g, PackedConvWeights weights, int threads)
    {
        const double CachedWeightFloats = 256 * 1024;   // 1 MB: a panel run this small stays in L2 from one image to the next
        int panels = weights.Panels.Count, w = TS.Width;
        int rowsTotal = g.Batch * g.OutHeight;
        double weightFloats = weights.Weights.Length;
        double inputRowFloats = (double)((g.InChannels + w - 1) / w) * w * (((g.OutWidth - 1) * g.StrideW) + ((g.KernelW - 1) * g.DilationW) + 1);
        int wanted = Math.Min(WorkerPool.ItemsPerThread * threads, rowsTotal * panels);
        (int Rows, int Panels) best = (rowsTotal, panels);
        double bestCost = double.MaxValue;
        for (int rowChunks = 1; rowChunks <= rowsTotal; rowChunks++)
        {
            int rows = CeilDiv(rowsTotal, rowChunks);
            if (rowChunks > 1 && CeilDiv(rowsTotal, rows) != rowChunks)
            {
                continue;   // same split as a smaller count
            }

            int images = CeilDiv(rows, g.OutHeight) + (rows % g.OutHeight == 0 ? 0 : 1);
            int inputRows = ((Math.Min(rows, g.OutHeight) - 1) * g.StrideH) + ((g.KernelH - 1) * g.DilationH) + 1;
            for (int panelChunks = 1; panelChunks <= panels; panelChunks++)
            {
                int perChunk = CeilDiv(panels, panelChunks);
                if ((panelChunks > 1 && CeilDiv(panels, perChunk) != panelChunks) || rowChunks * panelChunks < wanted)
                {
                    continue;
                }

                // A row block spanning images re-reads its panels once per image: from L2 when they fit, else from memory.
                double weightReads = weightFloats / panelChunks > CachedWeightFloats ? images : 1;
                double cost = (rowChunks * weightFloats * weightReads) + (panelChunks * rowChunks * images * inputRows * inputRowFloats);
                if (cost < bestCost)
                {
                    bestCost = cost;
                    best = (rows, perChunk);
                }
            }
        }

        return best;
    }

    /// <summary>A block of output rows (numbered across the batch) for a run of panels, image by image.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void PaddedRow(int index)
    {
        var g = _g;
        int panelChunks = CeilDiv(_weights.Panels.Count, _panelsPerChunk);
        int row = index / panelChunks * _rowsPerChunk;
        int end = Math.Min(g.Batch * g.OutHeight, row + _rowsPerChunk);
        int firstPanel = index % panelChunks * _panelsPerChunk;
        int lastPanel = Math.Min(_weights.Panels.Count, firstPanel + _panelsPerChunk);
        while (row < end)
        {
            int n = row / g.OutHeight, oy0 = row % g.OutHeight;
            int oy1 = Math.Min(g.OutHeight, oy0 + (end - row));
            PaddedSegment(n, oy0, oy1, firstPanel, lastPanel);
            row += oy1 - oy0;
        }
    }

    /// <summary>Output rows oy0 … oy1−1 of image <paramref name="n"/> for panels [firstPanel, lastPanel), from a zero-padded copy of the input rows they read.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void PaddedSegment(int n, int oy0, int oy1, int firstPanel, int lastPanel)
    {
        var g = _g;
        int w = _width;

        // The input blocks these panels read (all of them unless the layer is grouped).
        int firstBlock = int.MaxValue, endBlock = 0;
        for (int p = firstPanel; p < lastPanel; p++)
        {
            firstBlock = Math.Min(firstBlock, _weights.Panels[p].FirstInputBlock);
            endBlock = Math.Max(endBlock, _weights.Panels[p].FirstInputBlock + _weights.Panels[p].InputBlocks);
        }

        // Input rows ihFirst … ihFirst+inputRows−1 (those outside the image are never read), padded columns.
        int ihFirst = (oy0 * g.StrideH) - g.PadTop;
        int inputRows = ((oy1 - oy0 - 1) * g.StrideH) + ((g.KernelH - 1) * g.DilationH) + 1;
        nint scratchRow = (nint)_scratchWidth * w, scratchBlock = inputRows * scratchRow;
        int needed = checked((int)Math.Max(1, (endBlock - firstBlock) * scratchBlock));
        var buffer = _scratch[WorkerPool.CurrentSlot];
        if (buffer is null || buffer.Length < needed)
        {
            buffer?.Dispose();
            buffer = _scratch[WorkerPool.CurrentSlot] = new AlignedBuffer(needed);
        }

        float* scratch = buffer.Address;
        float* image = _x + (n * _xImage);
        int rowStart = Math.Max(0, -ihFirst), rowEnd = Math.Min(inputRows, g.InHeight - ihFirst);
        for (int b = firstBlock; b < endBlock; b++)
        {
            for (int r = rowStart; r < rowEnd; r++)
            {
                float* source = image + (b * _xPlane) + ((ihFirst + r) * _xRow);
                float* target = scratch + ((b - firstBlock) * scratchBlock) + (r * scratchRow);
                for (int c = 0; c < _scratchWidth; c++)
                {
                    int ix = c - g.PadLeft;
                    TS.Store(target + (c * w), (uint)ix < (uint)g.InWidth ? TS.Load(source + (ix * w)) : TS.Zero);
                }
            }
        }

        for (int p = firstPanel; p < lastPanel; p++)
        {
            var panel = _weights.Panels[p];
            ConvTileArgs args = Args(panel);
            args.Cols = g.KernelW;
            args.XBlockStride = scratchBlock;
            args.XRowStride = scratchRow * g.DilationH;
            float* x = scratch + ((panel.FirstInputBlock - firstBlock) * scratchBlock);
            float* weights = _weights.Weights.Address + panel.Offset;
            float* y = _y + (n * OutputImageStride) + (panel.FirstBlock * _yPlane);
            for (int oy = oy0; oy < oy1; oy++)
            {
                var (ih0, kh0, rows) = KernelRows(oy);
                args.Rows = rows;
                float* xRow = x + ((ih0 + (kh0 * g.DilationH) - ihFirst) * scratchRow);
                float* wRow = weights + (kh0 * args.WRowStride);
                float* yRow = y + (oy * g.OutWidth * w);
                for (int ox = 0; ox < g.OutWidth; ox += _tilePixels)
                {
                    int r = Math.Min(_tilePixels, g.OutWidth - ox);
                    var tile = (delegate*<float*, float*, float*, ConvTileArgs*, void>)_tiles[((panel.Blocks - 1) * _tilePixels) + r - 1];
                    tile(xRow + (ox * g.StrideW * w), wRow, yRow + (ox * w), &args);
                }
            }
        }
    }

    /// <summary>One output row of one panel reading the input in place: interior pixels in tiles, border pixels one by one with clipped taps.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ClippedRow(int oy, int blocks, float* x, float* w, float* y, ConvTileArgs* args)
    {
        var g = _g;

        var (ih0, kh0, rows) = KernelRows(oy);
        args->Rows = rows;
        float* xRow = x + ((ih0 + (kh0 * g.DilationH)) * _xRow);
        float* wRow = w + (kh0 * args->WRowStride);
        float* yRow = y + (oy * g.OutWidth * _width);

        // Interior columns: every tap of every pixel inside the image.
        int left = Math.Min(g.OutWidth, CeilDiv(g.PadLeft, g.StrideW));
        int lastInterior = g.InWidth - 1 + g.PadLeft - ((g.KernelW - 1) * g.DilationW);
        int right = lastInterior < 0 ? left : Math.Clamp((lastInterior / g.StrideW) + 1, left, g.OutWidth);
        for (int ox = 0; ox < left; ox++)
        {
            Border(ox, blocks, xRow, wRow, yRow, args);
        }

        args->Cols = g.KernelW;
        for (int ox = left; ox < right; ox += _tilePixels)
        {
            int r = Math.Min(_tilePixels, right - ox);
            var tile = (delegate*<float*, float*, float*, ConvTileArgs*, void>)_tiles[((blocks - 1) * _tilePixels) + r - 1];
            tile(xRow + (((ox * g.StrideW) - g.PadLeft) * _xPixel), wRow, yRow + (ox * _width), args);
        }

        for (int ox = right; ox < g.OutWidth; ox++)
        {
            Border(ox, blocks, xRow, wRow, yRow, args);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Border(int ox, int blocks, float* xRow, float* wRow, float* yRow, ConvTileArgs* args)
    {
        var g = _g;
        int ix0 = (ox * g.StrideW) - g.PadLeft;
        int kw0 = ix0 >= 0 ? 0 : CeilDiv(-ix0, g.DilationW);
        int kw1 = Math.Min(g.KernelW, CeilDiv(g.InWidth - ix0, g.DilationW));
        args->Cols = Math.Max(0, kw1 - kw0);
        var tile = (delegate*<float*, float*, float*, ConvTileArgs*, void>)_singles[blocks - 1];
        tile(xRow + ((ix0 + (kw0 * g.DilationW)) * _xPixel), wRow + (kw0 * args->WColStride), yRow + (ox * _width), args);
    }

    /// <summary>For output row <paramref name="oy"/>: the input row of its first tap, and its first and number of kernel rows inside the image.</summary>
    private (int InputRow, int FirstKernelRow, int Rows) KernelRows(int oy)
    {
        var g = _g;
        int ih0 = (oy * g.StrideH) - g.PadTop;
        int kh0 = ih0 >= 0 ? 0 : CeilDiv(-ih0, g.DilationH);
        int kh1 = Math.Min(g.KernelH, CeilDiv(g.InHeight - ih0, g.DilationH));
        return (ih0, kh0, Math.Max(0, kh1 - kh0));
    }

    private static int CeilDiv(int a, int b) => a <= 0 ? -(-a / b) : ((a - 1) / b) + 1;
}

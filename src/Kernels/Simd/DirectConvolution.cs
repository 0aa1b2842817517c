namespace CnnGpu.Kernels.Simd;

/// <summary>How a convolution's output is finished before it is stored.</summary>
/// <param name="Relu">Apply ReLU.</param>
/// <param name="Residual">Add a residual tensor laid out like the output (before the ReLU).</param>
public readonly record struct ConvEpilogue(bool Relu, bool Residual);

/// <summary>
/// A convolution run as register tiles of <see cref="ConvTile"/> over packed weight panels, written to
/// a channel-blocked output (<c>[N][K/W][OH][OW][W]</c>). The input is channel-blocked, or NCHW (the
/// network's first layer, where three channels would waste most of a block). Each work item is one
/// output row of one panel (or, for pointwise layers, a run of pixels across rows): interior pixels
/// in tiles of R with every tap in the image, border pixels one at a time with the taps clipped — no
/// padded copy of the input is ever made.
/// </summary>
/// <typeparam name="TS">SIMD width.</typeparam>
/// <typeparam name="TV">Its vector type.</typeparam>
public sealed unsafe class DirectConvolution<TS, TV> : IParallelWork, IStridedOutput
    where TS : struct, ISimd<TV>
    where TV : unmanaged
{
    private const int PointwiseTilesPerItem = 4;

    private readonly ConvGeometry _g;
    private readonly PackedConvWeights _weights;
    private readonly ConvEpilogue _epilogue;
    private readonly bool _blockedInput;
    private readonly bool _pointwise;
    private readonly int _tilePixels;
    private readonly int _width = TS.Width;
    private readonly nint[] _tiles;        // [blocks-1][pixels-1] function pointers, interior pixel stride
    private readonly nint[] _singles;      // [blocks-1] one-pixel tiles
    private readonly nint _xImage, _xPlane, _xRow, _xPixel, _xChannel, _yPlane;
    private readonly int _chunks;
    private float* _x;
    private float* _y;
    private nint _residualOffset;

    /// <summary>Prepares the layer.</summary>
    /// <param name="g">The layer (logical NCHW geometry).</param>
    /// <param name="blockedInput">Whether the input is channel-blocked (else NCHW).</param>
    /// <param name="weights">The packed weights (packed for the same width and input layout).</param>
    /// <param name="epilogue">ReLU and residual.</param>
    /// <param name="tilePixels">Pixels per register tile (R).</param>
    /// <param name="pointwise">Run a pointwise layer (1×1, stride 1, no padding, blocked input) over its pixels as one flat run instead of row by row.</param>
    public DirectConvolution(in ConvGeometry g, bool blockedInput, PackedConvWeights weights, ConvEpilogue epilogue, int tilePixels, bool pointwise = true)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentOutOfRangeException.ThrowIfLessThan(tilePixels, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(tilePixels, ConvTile.MaxPixels);
        _g = g;
        _weights = weights;
        _epilogue = epilogue;
        _blockedInput = blockedInput;
        _pointwise = pointwise && blockedInput && g.IsPointwise;
        int w = TS.Width;
        int inBlocks = (g.InChannels + w - 1) / w, outBlocks = (g.OutChannels + w - 1) / w;
        _xPixel = blockedInput ? w : 1;
        _xRow = g.InWidth * _xPixel;
        _xPlane = g.InHeight * _xRow;
        _xChannel = blockedInput ? 1 : _xPlane;
        _xImage = blockedInput ? inBlocks * _xPlane : g.InChannels * _xPlane;
        _yPlane = (nint)g.OutHeight * g.OutWidth * w;
        OutputImageStride = outBlocks * _yPlane;

        int pixelStride = checked((int)(g.StrideW * _xPixel));
        bool instantiated = ConvTileTable.PixelStrides.Contains(pixelStride);
        _tilePixels = instantiated ? tilePixels : 1;
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

        int pixelsPerItem = _tilePixels * PointwiseTilesPerItem;
        _chunks = _pointwise ? ((g.OutHeight * g.OutWidth) + pixelsPerItem - 1) / pixelsPerItem : g.OutHeight;
        int maxBlocks = weights.Panels.Max(p => p.Blocks);
        Algorithm = $"conv/{(_pointwise ? "pointwise" : blockedInput ? "direct" : "nchw-direct")} {maxBlocks}x{_tilePixels}";
    }

    /// <summary>The algorithm and register tile, e.g. <c>conv/direct 2x12</c>.</summary>
    public string Algorithm { get; }

    /// <inheritdoc/>
    public nint OutputImageStride { get; set; }

    /// <summary>Work items per run.</summary>
    public int ItemCount => _g.Batch * _weights.Panels.Count * _chunks;

    /// <summary>Runs the layer.</summary>
    /// <param name="pool">Threads.</param>
    /// <param name="x">Input (blocked or NCHW as prepared).</param>
    /// <param name="y">Blocked output.</param>
    /// <param name="residual">Blocked residual when the epilogue adds one, else null.</param>
    public void Run(WorkerPool pool, float* x, float* y, float* residual)
    {
        ArgumentNullException.ThrowIfNull(pool);
        _x = x;
        _y = y;
        _residualOffset = _epilogue.Residual ? (nint)(residual - y) : 0;
        pool.Run(this, ItemCount);
    }

    /// <inheritdoc/>
    public void Execute(int index)
    {
        int chunk = index % _chunks;
        int rest = index / _chunks;
        int panelIndex = rest % _weights.Panels.Count;
        int n = rest / _weights.Panels.Count;
        var panel = _weights.Panels[panelIndex];
        ConvTileArgs args = default;
        args.Blocks = panel.InputBlocks;
        args.XBlockStride = _xPlane;
        args.ChannelsPerBlock = _blockedInput ? _width : _g.InChannels;
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

        float* x = _x + (n * _xImage) + (panel.FirstInputBlock * _xPlane);
        float* w = _weights.Weights.Address + panel.Offset;
        float* y = _y + (n * OutputImageStride) + (panel.FirstBlock * _yPlane);
        if (_pointwise)
        {
            Pointwise(chunk, panel.Blocks, x, w, y, &args);
        }
        else
        {
            Row(chunk, panel.Blocks, x, w, y, &args);
        }
    }

    private void Pointwise(int chunk, int blocks, float* x, float* w, float* y, ConvTileArgs* args)
    {
        args->Rows = 1;
        args->Cols = 1;
        int pixels = _g.OutHeight * _g.OutWidth;
        int start = chunk * _tilePixels * PointwiseTilesPerItem;
        int end = Math.Min(pixels, start + (_tilePixels * PointwiseTilesPerItem));
        for (int p = start; p < end; p += _tilePixels)
        {
            int r = Math.Min(_tilePixels, end - p);
            var tile = (delegate*<float*, float*, float*, ConvTileArgs*, void>)_tiles[((blocks - 1) * _tilePixels) + r - 1];
            tile(x + (p * _xPixel), w, y + (p * _width), args);
        }
    }

    private void Row(int oy, int blocks, float* x, float* w, float* y, ConvTileArgs* args)
    {
        var g = _g;

        // Kernel rows inside the image for this output row.
        int ih0 = (oy * g.StrideH) - g.PadTop;
        int kh0 = ih0 >= 0 ? 0 : CeilDiv(-ih0, g.DilationH);
        int kh1 = Math.Min(g.KernelH, CeilDiv(g.InHeight - ih0, g.DilationH));
        args->Rows = Math.Max(0, kh1 - kh0);
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

    private static int CeilDiv(int a, int b) => a <= 0 ? -(-a / b) : ((a - 1) / b) + 1;
}

using System.Runtime.CompilerServices;

namespace CnnGpu.Kernels.Simd;

/// <summary>Packs fully connected weights into the convolution microkernel's panels: a 1×1 convolution on NCHW input of K channels.</summary>
public static class FullyConnectedPacking
{
    /// <summary>Packs FC weights (<c>[M, K]</c>, or <c>[K, M]</c> when <paramref name="transposed"/>) into microkernel panels.</summary>
    /// <param name="weights">The weights.</param>
    /// <param name="bias">M values, or empty.</param>
    /// <param name="inFeatures">K.</param>
    /// <param name="outFeatures">M.</param>
    /// <param name="transposed">Whether the weights are stored input-major.</param>
    /// <param name="width">Floats per vector.</param>
    public static PackedConvWeights Pack(ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, int inFeatures, int outFeatures, bool transposed, int width)
    {
        var g = new ConvGeometry(1, inFeatures, 1, 1, outFeatures, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, !bias.IsEmpty);
        if (!transposed)
        {
            return new PackedConvWeights(g, width, blockedInput: false, weights, bias);
        }

        var rowMajor = new float[checked(inFeatures * outFeatures)];
        for (int k = 0; k < inFeatures; k++)
        {
            for (int m = 0; m < outFeatures; m++)
            {
                rowMajor[((long)m * inFeatures) + k] = weights[(k * outFeatures) + m];
            }
        }

        return new PackedConvWeights(g, width, blockedInput: false, rowMajor, bias);
    }
}

/// <summary>
/// A fully connected layer <c>Y[N, M] = X[N, K]·Wᵀ + b</c> on the convolution microkernel: the weights are
/// packed once into panels of two output blocks (<c>[K][2][W]</c>, streamed front to back), the batch rows
/// are the tile's pixels. At batch 1 the layer is one pass over the weights — memory-bound, so the
/// panels are spread over every thread and each is read exactly once per run. Larger batches first
/// transpose X (a few KB) so a tile's rows are adjacent.
/// </summary>
/// <typeparam name="TS">SIMD width.</typeparam>
/// <typeparam name="TV">Its vector type.</typeparam>
public sealed unsafe class FullyConnected<TS, TV> : IParallelWork, IDisposable
    where TS : struct, ISimd<TV>
    where TV : unmanaged
{
    private readonly int _batch;
    private readonly int _in;
    private readonly int _out;
    private readonly bool _relu;
    private readonly PackedConvWeights _weights;
    private readonly int _rowsPerTile;
    private readonly int _rowTiles;
    private readonly nint[] _tiles;
    private readonly AlignedBuffer? _transposed;
    private float* _x;
    private float* _y;

    /// <summary>Prepares the layer.</summary>
    /// <param name="batch">N.</param>
    /// <param name="inFeatures">K.</param>
    /// <param name="outFeatures">M.</param>
    /// <param name="weights">The weights packed as a 1×1 convolution on NCHW input (see <see cref="FullyConnectedPacking.Pack"/>).</param>
    /// <param name="relu">Apply ReLU.</param>
    /// <param name="rowsPerTile">Batch rows per register tile.</param>
    public FullyConnected(int batch, int inFeatures, int outFeatures, PackedConvWeights weights, bool relu, int rowsPerTile)
    {
        ArgumentNullException.ThrowIfNull(weights);
        _batch = batch;
        _in = inFeatures;
        _out = outFeatures;
        _relu = relu;
        _weights = weights;
        _rowsPerTile = Math.Clamp(Math.Min(rowsPerTile, batch), 1, ConvTile.MaxPixels);
        _rowTiles = (batch + _rowsPerTile - 1) / _rowsPerTile;
        _tiles = new nint[2 * _rowsPerTile];
        for (int b = 1; b <= 2; b++)
        {
            for (int r = 1; r <= _rowsPerTile; r++)
            {
                _tiles[((b - 1) * _rowsPerTile) + r - 1] = (nint)ConvTileTable.Get<TS, TV>(b, r, 1);
            }
        }

        _transposed = batch > 1 ? new AlignedBuffer(checked(batch * inFeatures)) : null;
        Algorithm = $"gemm/packed {weights.Panels.Max(p => p.Blocks)}x{_rowsPerTile}";
    }

    /// <summary>The algorithm and register tile.</summary>
    public string Algorithm { get; }

    /// <summary>Runs the layer.</summary>
    /// <param name="pool">Threads.</param>
    /// <param name="x">Input <c>[N, K]</c>.</param>
    /// <param name="y">Output <c>[N, M]</c>.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run(WorkerPool pool, float* x, float* y)
    {
        ArgumentNullException.ThrowIfNull(pool);
        if (_transposed is not null)
        {
            float* t = _transposed.Address;
            for (int n = 0; n < _batch; n++)
            {
                for (int k = 0; k < _in; k++)
                {
                    t[((nint)k * _batch) + n] = x[((nint)n * _in) + k];
                }
            }

            x = t;
        }

        _x = x;
        _y = y;
        pool.Run(this, _weights.Panels.Count * _rowTiles);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Execute(int index)
    {
        int w = TS.Width;
        var panel = _weights.Panels[index / _rowTiles];
        int row = index % _rowTiles * _rowsPerTile;
        int rows = Math.Min(_rowsPerTile, _batch - row);
        int outputs = Math.Min(panel.Blocks * w, _out - (panel.FirstBlock * w));
        ConvTileArgs args = default;
        args.Blocks = 1;
        args.Rows = 1;
        args.Cols = 1;
        args.ChannelsPerBlock = _in;
        args.XChannelStride = _batch;
        args.Bias = _weights.Bias.Address + (panel.FirstBlock * w);
        args.Relu = _relu;
        var tile = (delegate*<float*, float*, float*, ConvTileArgs*, void>)_tiles[((panel.Blocks - 1) * _rowsPerTile) + rows - 1];
        float* weights = _weights.Weights.Address + panel.Offset;
        if (outputs == panel.Blocks * w)
        {
            // Whole blocks: store straight into Y's rows.
            args.YPixelStride = _out;
            args.YBlockStride = w;
            tile(_x + row, weights, _y + ((nint)row * _out) + (panel.FirstBlock * w), &args);
            return;
        }

        // The last, partial block: compute into scratch and copy the valid outputs.
        float* scratch = stackalloc float[ConvTile.MaxPixels * 2 * w];
        args.YPixelStride = 2 * w;
        args.YBlockStride = w;
        tile(_x + row, weights, scratch, &args);
        for (int r = 0; r < rows; r++)
        {
            new Span<float>(scratch + (r * 2 * w), outputs).CopyTo(new Span<float>(_y + ((nint)(row + r) * _out) + (panel.FirstBlock * w), outputs));
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _transposed?.Dispose();
}

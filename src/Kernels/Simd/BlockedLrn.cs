using System.Runtime.CompilerServices;

namespace CnnGpu.Kernels.Simd;

/// <summary>
/// Local response normalisation across channels (ONNX semantics, see <see cref="LrnGeometry"/>) on a
/// channel-blocked tensor. Per pixel the squares of all channels go into a zero-bordered scratch row;
/// each channel's window sum is then <c>Size</c> shifted vector loads of that row, so the whole layer is
/// vector code; the power is <c>exp(−β·log(d))</c>.
/// </summary>
/// <typeparam name="TS">SIMD width.</typeparam>
/// <typeparam name="TV">Its vector type.</typeparam>
public sealed unsafe class BlockedLrn<TS, TV> : IParallelWork
    where TS : struct, ISimd<TV>
    where TV : unmanaged
{
    private readonly LrnGeometry _g;
    private readonly int _blocks;
    private readonly int _spatial;
    private float* _x;
    private float* _y;

    /// <summary>Prepares the layer.</summary>
    /// <param name="g">Window, constants and logical shape.</param>
    public BlockedLrn(in LrnGeometry g)
    {
        _g = g;
        _blocks = (g.Channels + TS.Width - 1) / TS.Width;
        _spatial = g.Height * g.Width;
    }

    /// <summary>Runs the layer.</summary>
    /// <param name="pool">Threads.</param>
    /// <param name="x">Blocked input.</param>
    /// <param name="y">Blocked output (not aliasing <paramref name="x"/>).</param>
    public void Run(WorkerPool pool, float* x, float* y)
    {
        ArgumentNullException.ThrowIfNull(pool);
        _x = x;
        _y = y;
        pool.Run(this, _g.Batch * _g.Height);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Execute(int index)
    {
        var g = _g;
        int w = TS.Width;
        int n = index / g.Height, row = index % g.Height;
        int padded = _blocks * w;

        // Scratch: Before zeros, the squares of every (padded) channel, After + a vector of zeros.
        int scratchLength = g.Before + padded + g.After + w;
        float* squares = stackalloc float[scratchLength];
        new Span<float>(squares, scratchLength).Clear();
        var scale = TS.Broadcast(g.Alpha / g.Size);
        var bias = TS.Broadcast(g.Bias);
        var minusBeta = TS.Broadcast(-g.Beta);
        nint plane = (nint)_spatial * w;
        for (int col = 0; col < g.Width; col++)
        {
            int p = (row * g.Width) + col;
            float* x = _x + ((nint)n * _blocks * plane) + ((nint)p * w);
            float* y = _y + ((nint)n * _blocks * plane) + ((nint)p * w);
            for (int b = 0; b < _blocks; b++)
            {
                TV v = TS.Load(x + (b * plane));
                TS.Store(squares + g.Before + (b * w), TS.Multiply(v, v));
            }

            for (int b = 0; b < _blocks; b++)
            {
                // Channels c … c+w−1 sum squares[c + Before − Before … c + Before + After]: Size shifted loads.
                TV sum = TS.Zero;
                float* window = squares + (b * w);
                for (int j = 0; j < g.Size; j++)
                {
                    sum = TS.Add(sum, TS.Load(window + j));
                }

                TV d = TS.Fma(scale, sum, bias);
                TV v = TS.Load(x + (b * plane));
                TS.Store(y + (b * plane), TS.Multiply(v, TS.Exp(TS.Multiply(minusBeta, TS.Log(d)))));
            }
        }
    }
}

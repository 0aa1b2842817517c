using System.Runtime.CompilerServices;

namespace CnnGpu.Kernels.Simd;

/// <summary>
/// Max and average pooling on channel-blocked tensors: a vector holds one pixel's channels of a block,
/// so a window is a run of vector max/adds. Windows are clipped to the image (padding never wins a
/// max; average divisors follow <see cref="PoolGeometry.CountIncludePad"/>, as the reference does).
/// </summary>
/// <typeparam name="TS">SIMD width.</typeparam>
/// <typeparam name="TV">Its vector type.</typeparam>
public sealed unsafe class BlockedPooling<TS, TV> : IParallelWork
    where TS : struct, ISimd<TV>
    where TV : unmanaged
{
    private readonly PoolGeometry _g;
    private readonly bool _max;
    private readonly int _blocks;
    private float* _x;
    private float* _y;

    /// <summary>Prepares a pooling layer.</summary>
    /// <param name="g">The layer (logical NCHW geometry).</param>
    /// <param name="max">Max pooling (else average).</param>
    public BlockedPooling(in PoolGeometry g, bool max)
    {
        _g = g;
        _max = max;
        _blocks = (g.Channels + TS.Width - 1) / TS.Width;
    }

    /// <summary>The algorithm name.</summary>
    public string Algorithm => _max ? "pool/max-blocked" : "pool/avg-blocked";

    /// <summary>Runs the layer.</summary>
    /// <param name="pool">Threads.</param>
    /// <param name="x">Blocked input.</param>
    /// <param name="y">Blocked output.</param>
    public void Run(WorkerPool pool, float* x, float* y)
    {
        ArgumentNullException.ThrowIfNull(pool);
        _x = x;
        _y = y;
        pool.Run(this, _g.Batch * _blocks * _g.OutHeight);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Execute(int index)
    {
        var g = _g;
        int w = TS.Width;
        int oy = index % g.OutHeight;
        int plane = index / g.OutHeight;
        float* x = _x + ((nint)plane * g.InHeight * g.InWidth * w);
        float* y = _y + ((((nint)plane * g.OutHeight) + oy) * g.OutWidth * w);
        int hStart = (oy * g.StrideH) - g.PadTop;
        int hEndPadded = Math.Min(hStart + g.KernelH, g.InHeight + g.PadBottom);
        int h0 = Math.Max(hStart, 0), h1 = Math.Min(hEndPadded, g.InHeight);
        for (int ox = 0; ox < g.OutWidth; ox++)
        {
            int wStart = (ox * g.StrideW) - g.PadLeft;
            int wEndPadded = Math.Min(wStart + g.KernelW, g.InWidth + g.PadRight);
            int w0 = Math.Max(wStart, 0), w1 = Math.Min(wEndPadded, g.InWidth);
            TV acc = _max ? TS.Broadcast(float.NegativeInfinity) : TS.Zero;
            for (int ih = h0; ih < h1; ih++)
            {
                float* row = x + ((nint)ih * g.InWidth * w);
                for (int iw = w0; iw < w1; iw++)
                {
                    TV v = TS.Load(row + (iw * w));
                    acc = _max ? TS.Max(acc, v) : TS.Add(acc, v);
                }
            }

            if (!_max)
            {
                int count = g.CountIncludePad ? (hEndPadded - hStart) * (wEndPadded - wStart) : (h1 - h0) * (w1 - w0);
                acc = count > 0 ? TS.Multiply(acc, TS.Broadcast(1f / count)) : TS.Zero;
            }

            TS.Store(y + (ox * w), acc);
        }
    }
}

/// <summary>Global average pooling on a channel-blocked tensor: <c>[N][C/W][H·W][W] → [N][C/W][1][W]</c>.</summary>
/// <typeparam name="TS">SIMD width.</typeparam>
/// <typeparam name="TV">Its vector type.</typeparam>
public sealed unsafe class BlockedGlobalAveragePooling<TS, TV> : IParallelWork
    where TS : struct, ISimd<TV>
    where TV : unmanaged
{
    private readonly int _planes;
    private readonly int _spatial;
    private float* _x;
    private float* _y;

    /// <summary>Prepares the layer.</summary>
    /// <param name="batch">N.</param>
    /// <param name="channels">C.</param>
    /// <param name="spatial">H·W.</param>
    public BlockedGlobalAveragePooling(int batch, int channels, int spatial)
    {
        _planes = batch * ((channels + TS.Width - 1) / TS.Width);
        _spatial = spatial;
    }

    /// <summary>Runs the layer.</summary>
    /// <param name="pool">Threads.</param>
    /// <param name="x">Blocked input.</param>
    /// <param name="y">Blocked output.</param>
    public void Run(WorkerPool pool, float* x, float* y)
    {
        ArgumentNullException.ThrowIfNull(pool);
        _x = x;
        _y = y;
        pool.Run(this, _planes);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Execute(int index)
    {
        int w = TS.Width;
        float* x = _x + ((nint)index * _spatial * w);
        TV a0 = TS.Zero, a1 = TS.Zero, a2 = TS.Zero, a3 = TS.Zero;
        int p = 0;
        for (; p + 4 <= _spatial; p += 4)
        {
            a0 = TS.Add(a0, TS.Load(x + (p * w)));
            a1 = TS.Add(a1, TS.Load(x + ((p + 1) * w)));
            a2 = TS.Add(a2, TS.Load(x + ((p + 2) * w)));
            a3 = TS.Add(a3, TS.Load(x + ((p + 3) * w)));
        }

        for (; p < _spatial; p++)
        {
            a0 = TS.Add(a0, TS.Load(x + (p * w)));
        }

        TS.Store(_y + ((nint)index * w), TS.Multiply(TS.Add(TS.Add(a0, a1), TS.Add(a2, a3)), TS.Broadcast(1f / _spatial)));
    }
}

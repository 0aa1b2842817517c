using System.Runtime.CompilerServices;

namespace CnnGpu.Kernels.Simd;

/// <summary>
/// <c>y = min(max(factor·x, min), max)</c> over flat storage: Clip is factor 1, Scale is bounds ±∞.
/// One kernel serves both because each is a multiply and two compares per lane. Outputs may alias the input.
/// </summary>
/// <typeparam name="TS">SIMD width.</typeparam>
/// <typeparam name="TV">Its vector type.</typeparam>
/// <param name="length">Floats of the output.</param>
/// <param name="factor">The factor.</param>
/// <param name="min">Lower bound.</param>
/// <param name="max">Upper bound.</param>
public sealed unsafe class ScaleClamp<TS, TV>(int length, float factor, float min, float max) : IParallelWork
    where TS : struct, ISimd<TV>
    where TV : unmanaged
{
    // As Elementwise: large enough that a dispatch costs nothing next to the work.
    private const int ChunkFloats = 16 * 1024;

    private float* _x;
    private float* _y;

    /// <summary>Runs the op.</summary>
    /// <param name="pool">Threads.</param>
    /// <param name="x">Input.</param>
    /// <param name="y">Output (may be <paramref name="x"/>).</param>
    public void Run(WorkerPool pool, float* x, float* y)
    {
        ArgumentNullException.ThrowIfNull(pool);
        _x = x;
        _y = y;
        pool.Run(this, (length + ChunkFloats - 1) / ChunkFloats);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Execute(int index)
    {
        int start = index * ChunkFloats, end = Math.Min(length, start + ChunkFloats);
        float* x = _x, y = _y;
        TV vf = TS.Broadcast(factor), lo = TS.Broadcast(min), hi = TS.Broadcast(max);
        int w = TS.Width, i = start;
        for (; i + w <= end; i += w)
        {
            TS.Store(y + i, TS.Min(TS.Max(TS.Multiply(TS.Load(x + i), vf), lo), hi));
        }

        for (; i < end; i++)
        {
            float v = factor * x[i];
            y[i] = v < min ? min : v > max ? max : v;
        }
    }
}

/// <summary>
/// Copies whole channels (a channel shuffle or slice, <see cref="ChannelGather"/>) in NCHW or in the
/// channel-blocked layout <c>[N][C/W][H·W][W]</c>. NCHW copies a plane per item; blocked fills one output
/// block per item, lane by lane, and writes zeros into the padding lanes of a partial last block.
/// </summary>
/// <typeparam name="TS">SIMD width (the block).</typeparam>
/// <typeparam name="TV">Its vector type.</typeparam>
/// <param name="g">Which input channel each output channel copies.</param>
/// <param name="blocked">Whether input and output are channel-blocked.</param>
public sealed unsafe class ChannelGatherCopy<TS, TV>(ChannelGather g, bool blocked) : IParallelWork
    where TS : struct, ISimd<TV>
    where TV : unmanaged
{
    private readonly int _inBlocks = (g.InChannels + TS.Width - 1) / TS.Width;
    private readonly int _outBlocks = (g.OutChannels + TS.Width - 1) / TS.Width;
    private float* _x;
    private float* _y;

    /// <summary>Runs the copy.</summary>
    /// <param name="pool">Threads.</param>
    /// <param name="x">Input.</param>
    /// <param name="y">Output (never the input).</param>
    public void Run(WorkerPool pool, float* x, float* y)
    {
        ArgumentNullException.ThrowIfNull(pool);
        _x = x;
        _y = y;
        pool.Run(this, g.Batch * (blocked ? _outBlocks : g.OutChannels));
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Execute(int index)
    {
        int s = g.Spatial;
        if (!blocked)
        {
            int n = index / g.OutChannels, o = index % g.OutChannels;
            float* source = _x + ((((nint)n * g.InChannels) + g.SourceChannel(o)) * s);
            Buffer.MemoryCopy(source, _y + ((nint)index * s), (long)s * sizeof(float), (long)s * sizeof(float));
            return;
        }

        int w = TS.Width;
        int image = index / _outBlocks, block = index % _outBlocks;
        float* y = _y + ((nint)index * s * w);
        float* x = _x + ((nint)image * _inBlocks * s * w);
        for (int lane = 0; lane < w; lane++)
        {
            int o = (block * w) + lane;
            if (o >= g.OutChannels)
            {
                for (int p = 0; p < s; p++)
                {
                    y[(p * w) + lane] = 0f;
                }

                continue;
            }

            int c = g.SourceChannel(o);
            float* from = x + (((nint)(c / w) * s * w) + (c % w));
            for (int p = 0; p < s; p++)
            {
                y[(p * w) + lane] = from[p * w];
            }
        }
    }
}

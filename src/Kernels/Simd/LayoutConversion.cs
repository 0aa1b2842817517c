using System.Runtime.CompilerServices;

namespace CnnGpu.Kernels.Simd;

/// <summary>
/// Converts a tensor between NCHW and channel-blocked NCHW<c>W</c>c (<c>[N][⌈C/W⌉][H·W][W]</c>). To the blocked
/// layout the padding lanes of the last block are written as zeros; from it they are dropped. Flatten of a
/// blocked tensor is the conversion to NCHW.
/// </summary>
/// <typeparam name="TS">SIMD width.</typeparam>
/// <typeparam name="TV">Its vector type.</typeparam>
public sealed unsafe class LayoutConversion<TS, TV> : IParallelWork
    where TS : struct, ISimd<TV>
    where TV : unmanaged
{
    private readonly int _batch;
    private readonly int _channels;
    private readonly int _spatial;
    private readonly bool _toBlocked;
    private readonly int _blocks;
    private float* _x;
    private float* _y;

    /// <summary>Prepares a conversion.</summary>
    /// <param name="batch">N.</param>
    /// <param name="channels">C.</param>
    /// <param name="spatial">Elements per channel plane.</param>
    /// <param name="toBlocked">NCHW → blocked (else blocked → NCHW).</param>
    public LayoutConversion(int batch, int channels, int spatial, bool toBlocked)
    {
        _batch = batch;
        _channels = channels;
        _spatial = spatial;
        _toBlocked = toBlocked;
        _blocks = (channels + TS.Width - 1) / TS.Width;
    }

    /// <summary>Runs the conversion.</summary>
    /// <param name="pool">Threads.</param>
    /// <param name="x">Source.</param>
    /// <param name="y">Destination (not aliasing <paramref name="x"/>).</param>
    public void Run(WorkerPool pool, float* x, float* y)
    {
        ArgumentNullException.ThrowIfNull(pool);
        _x = x;
        _y = y;
        pool.Run(this, _batch * _blocks);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Execute(int index)
    {
        int w = TS.Width;
        int n = index / _blocks, b = index % _blocks;
        int lanes = Math.Min(w, _channels - (b * w));
        float* plain = (_toBlocked ? _x : _y) + ((((nint)n * _channels) + (b * w)) * _spatial);
        float* blocked = (_toBlocked ? _y : _x) + ((nint)index * _spatial * w);
        if (_toBlocked)
        {
            for (int p = 0; p < _spatial; p++)
            {
                float* dst = blocked + (p * w);
                int l = 0;
                for (; l < lanes; l++)
                {
                    dst[l] = plain[(l * _spatial) + p];
                }

                for (; l < w; l++)
                {
                    dst[l] = 0f;
                }
            }
        }
        else
        {
            for (int l = 0; l < lanes; l++)
            {
                float* dst = plain + (l * _spatial);
                float* src = blocked + l;
                for (int p = 0; p < _spatial; p++)
                {
                    dst[p] = src[p * w];
                }
            }
        }
    }
}

/// <summary>
/// Concatenation on the channel axis: in a channel-blocked layout every input but the last starts on a
/// block boundary, so each input is copied as whole block planes; in NCHW each input's channel range is
/// one contiguous run per image.
/// </summary>
/// <typeparam name="TS">SIMD width.</typeparam>
/// <typeparam name="TV">Its vector type.</typeparam>
public sealed unsafe class ConcatCopy<TS, TV> : IParallelWork
    where TS : struct, ISimd<TV>
    where TV : unmanaged
{
    private readonly int _batch;
    private readonly int[] _channels;
    private readonly int[] _offsets;
    private readonly int _total;
    private readonly int _spatial;
    private readonly bool _blocked;
    private float*[] _inputs = [];
    private float* _y;

    /// <summary>Prepares the copy.</summary>
    /// <param name="batch">N.</param>
    /// <param name="channels">Channels of each input.</param>
    /// <param name="spatial">Elements per channel plane.</param>
    /// <param name="blocked">Channel-blocked (every input but the last a whole number of blocks) or NCHW.</param>
    public ConcatCopy(int batch, IReadOnlyList<int> channels, int spatial, bool blocked)
    {
        ArgumentNullException.ThrowIfNull(channels);
        _batch = batch;
        _channels = [.. channels];
        _offsets = new int[_channels.Length];
        for (int i = 1; i < _channels.Length; i++)
        {
            _offsets[i] = _offsets[i - 1] + _channels[i - 1];
        }

        _total = _offsets[^1] + _channels[^1];
        _spatial = spatial;
        _blocked = blocked;
        if (blocked && _channels[..^1].Any(c => c % TS.Width != 0))
        {
            throw new ArgumentException($"A blocked concat needs every input but the last to be a multiple of {TS.Width} channels; got {string.Join(", ", channels)}.", nameof(channels));
        }
    }

    /// <summary>Runs the copy.</summary>
    /// <param name="pool">Threads.</param>
    /// <param name="inputs">The inputs, in order.</param>
    /// <param name="y">The output.</param>
    public void Run(WorkerPool pool, float*[] inputs, float* y)
    {
        ArgumentNullException.ThrowIfNull(pool);
        _inputs = inputs;
        _y = y;
        pool.Run(this, _batch * _channels.Length);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Execute(int index)
    {
        int n = index / _channels.Length, i = index % _channels.Length;
        int w = TS.Width;
        nint length, source, destination;
        if (_blocked)
        {
            int blocks = (_channels[i] + w - 1) / w, totalBlocks = (_total + w - 1) / w;
            length = (nint)blocks * _spatial * w;
            source = n * length;
            destination = ((((nint)n * totalBlocks) + (_offsets[i] / w)) * _spatial) * w;
        }
        else
        {
            length = (nint)_channels[i] * _spatial;
            source = n * length;
            destination = ((((nint)n * _total) + _offsets[i]) * _spatial);
        }

        Buffer.MemoryCopy(_inputs[i] + source, _y + destination, length * sizeof(float), length * sizeof(float));
    }
}

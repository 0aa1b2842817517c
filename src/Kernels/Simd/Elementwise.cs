using System.Runtime.CompilerServices;

namespace CnnGpu.Kernels.Simd;

/// <summary>The elementwise ops the CPU backend runs over flat storage (any layout: the op does not care where a value sits).</summary>
public enum ElementwiseOp
{
    /// <summary><c>max(x, 0)</c>.</summary>
    Relu,

    /// <summary><c>1/(1+e⁻ˣ)</c>.</summary>
    Sigmoid,

    /// <summary><c>y = x</c>.</summary>
    Copy,

    /// <summary><c>y = a + b</c>; b repeats with a period (a batch-1 operand broadcast over the batch).</summary>
    Add,

    /// <summary><c>y = max(a + b, 0)</c>.</summary>
    AddRelu,
}

/// <summary>
/// Elementwise kernels over flat storage, split into chunks across the pool. Outputs may alias the first input.
/// </summary>
/// <typeparam name="TS">SIMD width.</typeparam>
/// <typeparam name="TV">Its vector type.</typeparam>
public sealed unsafe class Elementwise<TS, TV> : IParallelWork
    where TS : struct, ISimd<TV>
    where TV : unmanaged
{
    // Large enough that a dispatch costs nothing next to the work; small enough to split a feature map.
    private const int ChunkFloats = 16 * 1024;

    private readonly ElementwiseOp _op;
    private readonly int _length;
    private readonly int _period;
    private float* _a;
    private float* _b;
    private float* _y;

    /// <summary>Prepares the op.</summary>
    /// <param name="op">What to compute.</param>
    /// <param name="length">Floats of the output.</param>
    /// <param name="period">For <see cref="ElementwiseOp.Add"/>: floats of b, which repeats every period floats (a divisor of the length, and a multiple of the vector width when shorter than it).</param>
    public Elementwise(ElementwiseOp op, int length, int period = 0)
    {
        _op = op;
        _length = length;
        _period = period <= 0 ? length : period;
        if (_length % _period != 0)
        {
            throw new ArgumentException($"The second operand's {_period} floats do not divide the {_length} of the output.", nameof(period));
        }
    }

    /// <summary>Runs the op.</summary>
    /// <param name="pool">Threads.</param>
    /// <param name="a">First operand.</param>
    /// <param name="b">Second operand (binary ops only).</param>
    /// <param name="y">Output (may be <paramref name="a"/>).</param>
    public void Run(WorkerPool pool, float* a, float* b, float* y)
    {
        ArgumentNullException.ThrowIfNull(pool);
        _a = a;
        _b = b;
        _y = y;
        pool.Run(this, (_length + ChunkFloats - 1) / ChunkFloats);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Execute(int index)
    {
        int start = index * ChunkFloats, end = Math.Min(_length, start + ChunkFloats);
        if (_op is ElementwiseOp.Add or ElementwiseOp.AddRelu && _period != _length)
        {
            // Walk the chunk one period segment at a time so b is read contiguously.
            for (int i = start; i < end;)
            {
                int offset = i % _period;
                int count = Math.Min(end - i, _period - offset);
                Span(i, count, _b + offset);
                i += count;
            }

            return;
        }

        Span(start, end - start, _b + start);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Span(int start, int count, float* b)
    {
        float* a = _a + start, y = _y + start;
        int w = TS.Width, i = 0;
        switch (_op)
        {
            case ElementwiseOp.Relu:
                for (; i + w <= count; i += w)
                {
                    TS.Store(y + i, TS.Relu(TS.Load(a + i)));
                }

                for (; i < count; i++)
                {
                    y[i] = a[i] > 0f ? a[i] : 0f;
                }

                break;
            case ElementwiseOp.Sigmoid:
                for (; i + w <= count; i += w)
                {
                    TS.Store(y + i, SimdOps.Sigmoid<TS, TV>(TS.Load(a + i)));
                }

                for (; i < count; i++)
                {
                    double v = a[i];
                    y[i] = (float)(v >= 0 ? 1.0 / (1.0 + Math.Exp(-v)) : Math.Exp(v) / (1.0 + Math.Exp(v)));
                }

                break;
            case ElementwiseOp.Copy:
                if (a != y)
                {
                    Buffer.MemoryCopy(a, y, (long)count * sizeof(float), (long)count * sizeof(float));
                }

                break;
            default:
                bool relu = _op == ElementwiseOp.AddRelu;
                for (; i + w <= count; i += w)
                {
                    TV v = TS.Add(TS.Load(a + i), TS.Load(b + i));
                    TS.Store(y + i, relu ? TS.Relu(v) : v);
                }

                for (; i < count; i++)
                {
                    float v = a[i] + b[i];
                    y[i] = relu && !(v > 0f) ? 0f : v;
                }

                break;
        }
    }
}

/// <summary>
/// Per-channel <c>y = x·scale + shift</c> over NCHW or channel-blocked tensors, with scale and shift
/// either fixed (batch norm, folded at prepare time) or per image (SE gating: shift 0, scale [N, C]).
/// </summary>
/// <typeparam name="TS">SIMD width.</typeparam>
/// <typeparam name="TV">Its vector type.</typeparam>
public sealed unsafe class ChannelAffine<TS, TV> : IParallelWork
    where TS : struct, ISimd<TV>
    where TV : unmanaged
{
    private readonly int _batch;
    private readonly int _channels;
    private readonly int _spatial;
    private readonly bool _blocked;
    private readonly int _blocks;
    private readonly bool _perImage;
    private float* _x;
    private float* _scale;
    private float* _shift;
    private float* _y;

    /// <summary>Prepares the op.</summary>
    /// <param name="batch">N.</param>
    /// <param name="channels">C.</param>
    /// <param name="spatial">Elements per channel plane (H·W).</param>
    /// <param name="blocked">Whether x and y are channel-blocked (else NCHW).</param>
    /// <param name="perImage">Whether scale holds N·C values (else C, shared by every image).</param>
    public ChannelAffine(int batch, int channels, int spatial, bool blocked, bool perImage)
    {
        _batch = batch;
        _channels = channels;
        _spatial = spatial;
        _blocked = blocked;
        _perImage = perImage;
        _blocks = (channels + TS.Width - 1) / TS.Width;
    }

    /// <summary>Runs the op.</summary>
    /// <param name="pool">Threads.</param>
    /// <param name="x">Input.</param>
    /// <param name="scale">C (or N·C) scales, NCHW order.</param>
    /// <param name="shift">C shifts, or null for none.</param>
    /// <param name="y">Output (may be <paramref name="x"/>).</param>
    public void Run(WorkerPool pool, float* x, float* scale, float* shift, float* y)
    {
        ArgumentNullException.ThrowIfNull(pool);
        _x = x;
        _scale = scale;
        _shift = shift;
        _y = y;
        pool.Run(this, _batch * (_blocked ? _blocks : _channels));
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Execute(int index)
    {
        int w = TS.Width;
        if (!_blocked)
        {
            int n = index / _channels, c = index % _channels;
            float s = _scale[(_perImage ? n * _channels : 0) + c], t = _shift is null ? 0f : _shift[c];
            float* x = _x + ((nint)index * _spatial), y = _y + ((nint)index * _spatial);
            TV vs = TS.Broadcast(s), vt = TS.Broadcast(t);
            int i = 0;
            for (; i + w <= _spatial; i += w)
            {
                TS.Store(y + i, TS.Fma(TS.Load(x + i), vs, vt));
            }

            for (; i < _spatial; i++)
            {
                y[i] = (x[i] * s) + t;
            }

            return;
        }

        {
            int n = index / _blocks, b = index % _blocks;
            int lanes = Math.Min(w, _channels - (b * w));
            TV vs = SimdOps.LoadPartial<TS, TV>(_scale + (_perImage ? n * _channels : 0) + (b * w), lanes);
            TV vt = _shift is null ? TS.Zero : SimdOps.LoadPartial<TS, TV>(_shift + (b * w), lanes);
            float* x = _x + ((nint)index * _spatial * w), y = _y + ((nint)index * _spatial * w);
            for (int p = 0; p < _spatial; p++)
            {
                TS.Store(y + (p * w), TS.Fma(TS.Load(x + (p * w)), vs, vt));
            }
        }
    }
}

/// <summary>Softmax along the channel axis of NCHW data <c>[outer, channels, inner]</c>, max-subtracted for stability.</summary>
/// <typeparam name="TS">SIMD width.</typeparam>
/// <typeparam name="TV">Its vector type.</typeparam>
public sealed unsafe class Softmax<TS, TV> : IParallelWork
    where TS : struct, ISimd<TV>
    where TV : unmanaged
{
    private readonly ChannelGeometry _g;
    private float* _x;
    private float* _y;

    /// <summary>Prepares the op.</summary>
    /// <param name="g">(rows, channels, trailing elements).</param>
    public Softmax(in ChannelGeometry g) => _g = g;

    /// <summary>Runs the op.</summary>
    /// <param name="pool">Threads.</param>
    /// <param name="x">Input.</param>
    /// <param name="y">Output (may be <paramref name="x"/>).</param>
    public void Run(WorkerPool pool, float* x, float* y)
    {
        ArgumentNullException.ThrowIfNull(pool);
        _x = x;
        _y = y;
        pool.Run(this, _g.Outer * _g.Inner);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Execute(int index)
    {
        int outer = index / _g.Inner, inner = index % _g.Inner, c = _g.Channels;
        float* x = _x + ((nint)outer * c * _g.Inner) + inner, y = _y + ((nint)outer * c * _g.Inner) + inner;
        nint step = _g.Inner;
        if (step == 1)
        {
            Contiguous(x, y, c);
            return;
        }

        float max = float.NegativeInfinity;
        for (int i = 0; i < c; i++)
        {
            max = MathF.Max(max, x[i * step]);
        }

        double sum = 0;
        for (int i = 0; i < c; i++)
        {
            float e = MathF.Exp(x[i * step] - max);
            y[i * step] = e;
            sum += e;
        }

        float inv = (float)(1.0 / sum);
        for (int i = 0; i < c; i++)
        {
            y[i * step] *= inv;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Contiguous(float* x, float* y, int c)
    {
        int w = TS.Width, i = 0;
        TV vmax = TS.Broadcast(float.NegativeInfinity);
        for (; i + w <= c; i += w)
        {
            vmax = TS.Max(vmax, TS.Load(x + i));
        }

        float max = float.NegativeInfinity;
        float* lanes = stackalloc float[w];
        TS.Store(lanes, vmax);
        for (int l = 0; l < w; l++)
        {
            max = MathF.Max(max, lanes[l]);
        }

        for (; i < c; i++)
        {
            max = MathF.Max(max, x[i]);
        }

        TV vm = TS.Broadcast(max), vsum = TS.Zero;
        float tail = 0f;
        for (i = 0; i + w <= c; i += w)
        {
            TV e = TS.Exp(TS.Subtract(TS.Load(x + i), vm));
            TS.Store(y + i, e);
            vsum = TS.Add(vsum, e);
        }

        for (; i < c; i++)
        {
            y[i] = MathF.Exp(x[i] - max);
            tail += y[i];
        }

        TV inv = TS.Broadcast(1f / (TS.Sum(vsum) + tail));
        for (i = 0; i + w <= c; i += w)
        {
            TS.Store(y + i, TS.Multiply(TS.Load(y + i), inv));
        }

        float scalarInv = 1f / (TS.Sum(vsum) + tail);
        for (; i < c; i++)
        {
            y[i] *= scalarInv;
        }
    }
}

using System.Runtime.CompilerServices;

namespace CnnGpu.Kernels.Simd;

/// <summary>
/// A depthwise convolution (one filter per channel: groups = input channels = output channels) on
/// channel-blocked tensors: each vector lane is a channel, so a tap is one vector FMA of input and
/// weights. The layer is memory-bound (few MACs per byte), so it streams rows rather than tiling.
/// </summary>
/// <typeparam name="TS">SIMD width.</typeparam>
/// <typeparam name="TV">Its vector type.</typeparam>
public sealed unsafe class DepthwiseConvolution<TS, TV> : IParallelWork, IStridedOutput, IDisposable
    where TS : struct, ISimd<TV>
    where TV : unmanaged
{
    private readonly ConvGeometry _g;
    private readonly ConvEpilogue _epilogue;
    private readonly AlignedBuffer _weights;   // [block][kh][kw][W]
    private readonly AlignedBuffer _bias;      // [block][W]
    private readonly int _blocks;
    private float* _x;
    private float* _y;
    private nint _residualOffset;

    /// <summary>Packs the weights once.</summary>
    /// <param name="g">The layer.</param>
    /// <param name="weights"><c>[C, 1, KH, KW]</c>.</param>
    /// <param name="bias">C values, or empty.</param>
    /// <param name="epilogue">ReLU and residual.</param>
    public DepthwiseConvolution(in ConvGeometry g, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, ConvEpilogue epilogue)
    {
        if (!g.IsDepthwise)
        {
            throw new ArgumentException($"Not a depthwise layer: {g.InChannels} → {g.OutChannels} channels in {g.Groups} groups.", nameof(g));
        }

        _g = g;
        _epilogue = epilogue;
        int w = TS.Width, taps = g.KernelH * g.KernelW;
        _blocks = (g.InChannels + w - 1) / w;
        _weights = new AlignedBuffer(_blocks * taps * w);
        _bias = new AlignedBuffer(_blocks * w);
        var packed = _weights.Span;
        for (int c = 0; c < g.InChannels; c++)
        {
            for (int t = 0; t < taps; t++)
            {
                packed[((((c / w) * taps) + t) * w) + (c % w)] = weights[(c * taps) + t];
            }
        }

        bias.CopyTo(_bias.Span);
        OutputImageStride = (nint)_blocks * g.OutHeight * g.OutWidth * w;
    }

    /// <inheritdoc/>
    public nint OutputImageStride { get; set; }

    /// <summary>The algorithm name.</summary>
    public string Algorithm => "conv/depthwise";

    /// <summary>Runs the layer.</summary>
    /// <param name="pool">Threads.</param>
    /// <param name="x">Blocked input.</param>
    /// <param name="y">Blocked output.</param>
    /// <param name="residual">Blocked residual when the epilogue adds one, else null.</param>
    public void Run(WorkerPool pool, float* x, float* y, float* residual)
    {
        ArgumentNullException.ThrowIfNull(pool);
        _x = x;
        _y = y;
        _residualOffset = _epilogue.Residual ? (nint)(residual - y) : 0;
        pool.Run(this, _g.Batch * _blocks * _g.OutHeight);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Execute(int index)
    {
        var g = _g;
        int w = TS.Width;
        int oy = index % g.OutHeight;
        int plane = index / g.OutHeight;     // n * blocks + block
        int block = plane % _blocks;
        float* x = _x + ((nint)plane * g.InHeight * g.InWidth * w);
        float* y = _y + ((plane / _blocks) * OutputImageStride) + ((((nint)block * g.OutHeight) + oy) * g.OutWidth * w);
        float* wb = _weights.Address + ((nint)block * g.KernelH * g.KernelW * w);
        TV bias = TS.Load(_bias.Address + (block * w));
        int ih0 = (oy * g.StrideH) - g.PadTop;
        for (int ox = 0; ox < g.OutWidth; ox++)
        {
            int ix0 = (ox * g.StrideW) - g.PadLeft;
            TV acc = bias;
            for (int kh = 0; kh < g.KernelH; kh++)
            {
                int ih = ih0 + (kh * g.DilationH);
                if ((uint)ih >= (uint)g.InHeight)
                {
                    continue;
                }

                float* xr = x + ((nint)ih * g.InWidth * w);
                float* wr = wb + (kh * g.KernelW * w);
                for (int kw = 0; kw < g.KernelW; kw++)
                {
                    int ix = ix0 + (kw * g.DilationW);
                    if ((uint)ix < (uint)g.InWidth)
                    {
                        acc = TS.Fma(TS.Load(xr + (ix * w)), TS.Load(wr + (kw * w)), acc);
                    }
                }
            }

            float* yp = y + (ox * w);
            if (_epilogue.Residual)
            {
                acc = TS.Add(acc, TS.Load(yp + _residualOffset));
            }

            TS.Store(yp, _epilogue.Apply<TS, TV>(acc));
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _weights.Dispose();
        _bias.Dispose();
    }
}

using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using CnnGpu.Kernels.Simd;
using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Tensors;

namespace CnnGpu.Runtime.Backends.Cpu;

/// <summary>
/// The CPU backend at one vector width. Its one op table maps every <see cref="OpKind"/> to a preparation
/// (the kernel families live in <see cref="CpuConvolutionKernels{TS,TV}"/>, <see cref="CpuSpatialKernels{TS,TV}"/>,
/// <see cref="CpuElementwiseKernels{TS,TV}"/> and <see cref="CpuChannelKernels{TS,TV}"/>); <see cref="Supports"/> reads the same table.
/// </summary>
/// <typeparam name="TS">SIMD width.</typeparam>
/// <typeparam name="TV">Its vector type.</typeparam>
internal sealed class CpuBackend<TS, TV> : CpuBackend
    where TS : struct, ISimd<TV>
    where TV : unmanaged
{
    private static readonly FrozenDictionary<OpKind, Func<CpuBackend<TS, TV>, KernelRequest, IConstantStore, CpuKernel>> OpTable =
        new Dictionary<OpKind, Func<CpuBackend<TS, TV>, KernelRequest, IConstantStore, CpuKernel>>
        {
            [OpKind.Conv2d] = CpuConvolutionKernels<TS, TV>.Convolution,
            [OpKind.FullyConnected] = CpuConvolutionKernels<TS, TV>.FullyConnected,
            [OpKind.MaxPool] = CpuSpatialKernels<TS, TV>.MaxPool,
            [OpKind.AvgPool] = CpuSpatialKernels<TS, TV>.AvgPool,
            [OpKind.GlobalAvgPool] = CpuSpatialKernels<TS, TV>.GlobalAvgPool,
            [OpKind.Lrn] = CpuSpatialKernels<TS, TV>.Lrn,
            [OpKind.BatchNorm] = CpuElementwiseKernels<TS, TV>.BatchNorm,
            [OpKind.Relu] = CpuElementwiseKernels<TS, TV>.Relu,
            [OpKind.Sigmoid] = CpuElementwiseKernels<TS, TV>.Sigmoid,
            [OpKind.Softmax] = CpuElementwiseKernels<TS, TV>.Softmax,
            [OpKind.ChannelScale] = CpuElementwiseKernels<TS, TV>.ChannelScale,
            [OpKind.Add] = CpuElementwiseKernels<TS, TV>.Add,
            [OpKind.Concat] = CpuElementwiseKernels<TS, TV>.Concat,
            [OpKind.Flatten] = CpuElementwiseKernels<TS, TV>.Flatten,
            [OpKind.Dropout] = CpuElementwiseKernels<TS, TV>.PassThrough,
            [OpKind.Identity] = CpuElementwiseKernels<TS, TV>.PassThrough,
            [OpKind.Clip] = CpuChannelKernels<TS, TV>.Clip,
            [OpKind.Scale] = CpuChannelKernels<TS, TV>.Scale,
            [OpKind.ChannelShuffle] = CpuChannelKernels<TS, TV>.ChannelShuffle,
            [OpKind.ChannelSlice] = CpuChannelKernels<TS, TV>.ChannelSlice,
        }.ToFrozenDictionary();

    public CpuBackend(SimdWidth width, int threads)
        : base(width, threads)
    {
    }

    /// <summary>The channel-blocked layout of this width.</summary>
    public static TensorLayout Blocked => TensorLayout.ChannelBlocked(TS.Width);

    public override bool Supports(KernelRequest request, [NotNullWhen(false)] out string? reason)
    {
        ArgumentNullException.ThrowIfNull(request);
        reason = !OpTable.ContainsKey(request.Node.Kind) ? $"no kernel for op {request.Node.Kind}" : CpuOperands.WhyUnsupported(request);
        return reason is null;
    }

    public override IPreparedKernel Prepare(KernelRequest request, IConstantStore constants)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(constants);
        if (!Supports(request, out string? reason))
        {
            throw new UnsupportedNodeException(Name, request.Node, reason);
        }

        return OpTable[request.Node.Kind](this, request, constants);
    }

    public override IPreparedKernel PrepareConversion(TensorShape shape, TensorLayout source, TensorLayout target)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(shape);
        return CpuElementwiseKernels<TS, TV>.Conversion(this, shape, source, target);
    }

    /// <summary>The first candidate the request allows, or an error naming the node and the candidates.</summary>
    /// <param name="request">The request.</param>
    /// <param name="candidates">Algorithm families that can run the node, preferred first.</param>
    public string Choose(KernelRequest request, params string[] candidates) =>
        candidates.FirstOrDefault(request.Allows)
        ?? throw new UnsupportedNodeException(Name, request.Node, $"algorithm '{request.ForcedAlgorithm}' does not apply (candidates: {string.Join(", ", candidates)})");
}

using CnnGpu.Kernels;
using CnnGpu.Runtime.Graph;

namespace CnnGpu.Runtime.Backends;

/// <summary>Turns a node's attributes and inferred shapes into the kernels' parameter structs.</summary>
public static class KernelGeometry
{
    /// <summary>The NCHW convolution geometry of a Conv2d request.</summary>
    /// <param name="r">The request.</param>
    public static ConvGeometry Conv(KernelRequest r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var a = (Conv2dAttrs)r.Attributes;
        var x = r.InputShape(0);
        var y = r.OutputShape;
        return new ConvGeometry(
            x[0], x[1], x[2], x[3], y[1], y[2], y[3],
            a.KernelH, a.KernelW, a.StrideH, a.StrideW, a.DilationH, a.DilationW,
            a.Pads.Top, a.Pads.Left, a.Groups, HasBias: a.HasBias(r.Inputs.Length))
        {
            FuseRelu = a.Activation is FusedActivation.Relu or FusedActivation.Relu6,
            FuseRelu6 = a.Activation == FusedActivation.Relu6,
        };
    }

    /// <summary>The GEMM geometry of a FullyConnected request.</summary>
    /// <param name="r">The request.</param>
    public static GemmGeometry FullyConnected(KernelRequest r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var a = (FullyConnectedAttrs)r.Attributes;
        var x = r.InputShape(0);
        return GemmGeometry.ForFullyConnected(x[0], x[1], r.OutputShape[1], a.TransposedWeight, hasBias: r.Inputs.Length > 2) with
        {
            FuseRelu = a.Activation is FusedActivation.Relu or FusedActivation.Relu6,
            FuseRelu6 = a.Activation == FusedActivation.Relu6,
        };
    }

    /// <summary>The NCHW pooling geometry of a pooling request.</summary>
    /// <param name="r">The request.</param>
    /// <param name="w">The window.</param>
    /// <param name="countIncludePad">Whether padding counts in an average's divisor.</param>
    public static PoolGeometry Pool(KernelRequest r, PoolWindow w, bool countIncludePad)
    {
        ArgumentNullException.ThrowIfNull(r);
        var x = r.InputShape(0);
        var y = r.OutputShape;
        return new PoolGeometry(
            x[0], x[1], x[2], x[3], y[2], y[3], w.KernelH, w.KernelW, w.StrideH, w.StrideW,
            w.Pads.Top, w.Pads.Left, w.Pads.Bottom, w.Pads.Right, countIncludePad);
    }

    /// <summary>The LRN geometry of an Lrn request.</summary>
    /// <param name="r">The request.</param>
    public static LrnGeometry Lrn(KernelRequest r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var a = (LrnAttrs)r.Attributes;
        var x = r.InputShape(0);
        return new LrnGeometry(x[0], x[1], x[2], x[3], a.Size, a.Alpha, a.Beta, a.Bias);
    }

    /// <summary>(N, C, rest) of the first input: batch norm, channel scale and softmax over axis 1.</summary>
    /// <param name="r">The request.</param>
    public static ChannelGeometry Channels(KernelRequest r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var x = r.InputShape(0);
        return new ChannelGeometry(x[0], x[1], x.CountFrom(2));
    }

    /// <summary>Where concat input <paramref name="input"/> lands in the output.</summary>
    /// <param name="r">The request.</param>
    /// <param name="input">The input's position.</param>
    /// <param name="channelOffset">Channels before it in the output.</param>
    public static ConcatSlice ConcatSlice(KernelRequest r, int input, int channelOffset)
    {
        ArgumentNullException.ThrowIfNull(r);
        var x = r.InputShape(input);
        return new ConcatSlice(x[0], x[1], x.CountFrom(2), r.OutputShape[1], channelOffset);
    }

    /// <summary>The channel gather of a ChannelShuffle or ChannelSlice request.</summary>
    /// <param name="r">The request.</param>
    public static ChannelGather ChannelGather(KernelRequest r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var x = r.InputShape(0);
        return r.Attributes switch
        {
            ChannelShuffleAttrs s => Kernels.ChannelGather.Shuffle(x[0], x[1], x.CountFrom(2), s.Groups),
            ChannelSliceAttrs s => Kernels.ChannelGather.Slice(x[0], x[1], x.CountFrom(2), s.Start, s.Count),
            _ => throw new CnnGpuException($"{r.Node}: not a channel shuffle or slice."),
        };
    }
}

using CnnGpu.Kernels;
using CnnGpu.Runtime.Graph;

namespace CnnGpu.Runtime.Backends;

/// <summary>Turns a node's attributes and inferred shapes into the kernels' parameter structs.</summary>
internal static class KernelGeometry
{
    public static ConvGeometry Conv(NodeLaunch l)
    {
        var a = (Conv2dAttrs)l.Node.Attributes;
        var x = l.InputShapes[0];
        var y = l.OutputShape;
        return new ConvGeometry(
            x[0], x[1], x[2], x[3], y[1], y[2], y[3],
            a.KernelH, a.KernelW, a.StrideH, a.StrideW, a.DilationH, a.DilationW,
            a.Pads.Top, a.Pads.Left, a.Groups, HasBias: l.Inputs.Count > 2)
        {
            FuseRelu = a.Activation == FusedActivation.Relu,
        };
    }

    public static GemmGeometry FullyConnected(NodeLaunch l)
    {
        var a = (FullyConnectedAttrs)l.Node.Attributes;
        var x = l.InputShapes[0];
        return GemmGeometry.ForFullyConnected(x[0], x[1], l.OutputShape[1], a.TransposedWeight, hasBias: l.Inputs.Count > 2) with
        {
            FuseRelu = a.Activation == FusedActivation.Relu,
        };
    }

    public static PoolGeometry Pool(NodeLaunch l, PoolWindow w, bool countIncludePad)
    {
        var x = l.InputShapes[0];
        var y = l.OutputShape;
        return new PoolGeometry(
            x[0], x[1], x[2], x[3], y[2], y[3], w.KernelH, w.KernelW, w.StrideH, w.StrideW,
            w.Pads.Top, w.Pads.Left, w.Pads.Bottom, w.Pads.Right, countIncludePad);
    }

    public static LrnGeometry Lrn(NodeLaunch l)
    {
        var a = (LrnAttrs)l.Node.Attributes;
        var x = l.InputShapes[0];
        return new LrnGeometry(x[0], x[1], x[2], x[3], a.Size, a.Alpha, a.Beta, a.Bias);
    }

    /// <summary>(N, C, rest) of the first input: batch norm, channel scale and softmax over axis 1.</summary>
    public static ChannelGeometry Channels(NodeLaunch l)
    {
        var x = l.InputShapes[0];
        return new ChannelGeometry(x[0], x[1], x.CountFrom(2));
    }

    public static ConcatSlice ConcatSlice(NodeLaunch l, int input, int channelOffset)
    {
        var x = l.InputShapes[input];
        return new ConcatSlice(x[0], x[1], x.CountFrom(2), l.OutputShape[1], channelOffset);
    }
}

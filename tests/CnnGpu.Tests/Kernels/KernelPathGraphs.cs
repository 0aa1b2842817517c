using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Tensors;
using CnnGpu.Tests.Support;

namespace CnnGpu.Tests.Kernels;

/// <summary>
/// The one-node graphs (and their inputs) the backends' forced-algorithm suites run against the reference: one
/// convolution, one convolution with a fused skip connection, one fully connected layer.
/// </summary>
internal static class KernelPathGraphs
{
    /// <summary>One convolution of <paramref name="c"/> with <paramref name="activation"/>; <paramref name="bias"/> replaces the default bias values.</summary>
    public static (ComputeGraph Graph, Tensor[] Inputs) Conv(ConvCase c, FusedActivation activation, Tensor? bias = null)
    {
        var b = new GraphBuilder("conv");
        int[] inputs = ConvInputs(b, c, bias);
        b.Output(b.Add("conv", OpKind.Conv2d, c.Attrs with { Activation = activation }, inputs));
        return (b.Build(), [RandomData.Symmetric(1, c.N, c.C, c.H, c.W)]);
    }

    /// <summary>One convolution of <paramref name="c"/> whose output is summed with a second input, then ReLU.</summary>
    public static (ComputeGraph Graph, Tensor[] Inputs) ResidualConv(ConvCase c)
    {
        var b = new GraphBuilder("residual");
        int[] inputs = ConvInputs(b, c, null);
        var shape = Runtime.Planning.ShapeInference.InferOutput(new Node("probe", OpKind.Conv2d, c.Attrs, [.. inputs], -1), [.. inputs.Select(b.ShapeOf)]);
        int skip = b.Input("skip", [.. shape.Dimensions.Skip(1)]);
        b.Output(b.Add("conv", OpKind.Conv2d, c.Attrs with { Activation = FusedActivation.Relu, Residual = true }, [.. inputs, skip]));
        return (b.Build(), [RandomData.Symmetric(1, c.N, c.C, c.H, c.W), RandomData.Symmetric(4, [c.N, .. shape.Dimensions.Skip(1)])]);
    }

    /// <summary>One fully connected layer with bias, its weights stored <c>[out, in]</c> or transposed.</summary>
    public static (ComputeGraph Graph, Tensor[] Inputs) FullyConnected(int batch, int inFeatures, int outFeatures, bool transposed, bool relu)
    {
        var b = new GraphBuilder("fc");
        int x = b.Input("x", inFeatures);
        var w = transposed ? RandomData.Weights(5, inFeatures, outFeatures) : RandomData.Weights(5, outFeatures, inFeatures);
        b.Output(b.Add("fc", OpKind.FullyConnected, new FullyConnectedAttrs(transposed, relu ? FusedActivation.Relu : FusedActivation.None), [x, b.Constant("w", w), b.Constant("b", RandomData.Symmetric(6, outFeatures))]));
        return (b.Build(), [RandomData.Symmetric(7, batch, inFeatures)]);
    }

    private static int[] ConvInputs(GraphBuilder b, ConvCase c, Tensor? bias)
    {
        int x = b.Input("x", c.C, c.H, c.W);
        int w = b.Constant("w", RandomData.Weights(2, c.Filters, c.C / c.Groups, c.KernelH, c.KernelW));
        return c.Bias ? [x, w, b.Constant("bias", bias ?? RandomData.Symmetric(3, c.Filters))] : [x, w];
    }
}

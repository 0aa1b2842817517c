using CnnGpu.Networks.Onnx.Protos;
using static CnnGpu.Tests.Onnx.OnnxModelBuilder;
using static CnnGpu.Tests.Onnx.ParityCase;

namespace CnnGpu.Tests.Onnx;

/// <summary>Pooling (ceil_mode, count_include_pad, asymmetric and SAME pads), BatchNormalization, LRN, Relu, Sigmoid.</summary>
public static class PoolNormParityCases
{
    public static IEnumerable<ParityCase> All()
    {
        yield return Unary("max pool 3x3/2, CNTK pads [1,1,0,0], opset 8", "MaxPool", [3, 12, 12], 8, Attr("kernel_shape", 3, 3), Attr("strides", 2, 2), Attr("pads", 1, 1, 0, 0), Attr("storage_order", 0L));
        yield return Unary("max pool 2x2/2, opset 7", "MaxPool", [3, 9, 9], 7, Attr("kernel_shape", 2, 2), Attr("strides", 2, 2));
        yield return Unary("max pool 3x3/2 ceil_mode", "MaxPool", [3, 10, 10], 12, Attr("kernel_shape", 3, 3), Attr("strides", 2, 2), Attr("ceil_mode", 1L));
        yield return Unary("max pool 3x3/2 ceil_mode + pads", "MaxPool", [2, 8, 9], 12, Attr("kernel_shape", 3, 3), Attr("strides", 2, 2), Attr("pads", 1, 0, 1, 1), Attr("ceil_mode", 1L));
        yield return Unary("max pool auto_pad SAME_UPPER", "MaxPool", [3, 9, 9], 13, Attr("kernel_shape", 3, 3), Attr("strides", 2, 2), Attr("auto_pad", "SAME_UPPER"));
        yield return Unary("avg pool 3x3/2 pads, exclude pad", "AveragePool", [3, 9, 9], 13, Attr("kernel_shape", 3, 3), Attr("strides", 2, 2), Attr("pads", 1, 1, 1, 1));
        yield return Unary("avg pool 3x3/2 pads, count_include_pad", "AveragePool", [3, 9, 9], 13, Attr("kernel_shape", 3, 3), Attr("strides", 2, 2), Attr("pads", 1, 1, 1, 1), Attr("count_include_pad", 1L));
        yield return Unary("avg pool 3x3/2 asymmetric pads, count_include_pad", "AveragePool", [3, 10, 9], 13, Attr("kernel_shape", 3, 3), Attr("strides", 2, 2), Attr("pads", 0, 1, 2, 0), Attr("count_include_pad", 1L));
        yield return Unary("avg pool 2x2/2 ceil_mode, exclude pad", "AveragePool", [3, 9, 9], 12, Attr("kernel_shape", 2, 2), Attr("strides", 2, 2), Attr("ceil_mode", 1L));
        yield return Unary("avg pool 3x3/2 ceil_mode + pads, count_include_pad", "AveragePool", [3, 10, 10], 19, Attr("kernel_shape", 3, 3), Attr("strides", 2, 2), Attr("pads", 1, 1, 1, 1), Attr("ceil_mode", 1L), Attr("count_include_pad", 1L));
        yield return Unary("avg pool 7x7 over 7x7 (CNTK's global pool), opset 8", "AveragePool", [4, 7, 7], 8, Attr("kernel_shape", 7, 7), Attr("strides", 1, 1), Attr("pads", 0, 0, 0, 0), Attr("count_include_pad", 0L), Attr("auto_pad", "NOTSET"));
        yield return Unary("global average pool", "GlobalAveragePool", [5, 6, 7], 13);
        yield return Unary("LRN size 5 (AlexNet)", "LRN", [7, 5, 5], 13, Attr("size", 5L), Attr("alpha", 0.5f), Attr("beta", 0.75f), Attr("bias", 2f));
        yield return Unary("LRN size 3, default beta and bias, opset 7", "LRN", [6, 4, 4], 7, Attr("size", 3L), Attr("alpha", 0.3f));
        yield return Unary("relu", "Relu", [3, 5, 5], 13);
        yield return Unary("sigmoid", "Sigmoid", [3, 5, 5], 13) with { Low = -8f, High = 8f };
        yield return BatchNorm("batch norm opset 8 (spatial = 1), float_data", 8, Attr("spatial", 1L), Attr("epsilon", 1e-3f), Attr("momentum", 0.9f));
        yield return BatchNorm("batch norm opset 15", 15, Attr("epsilon", 1e-5f));
    }

    private static ParityCase Unary(string name, string op, int[] item, long opset, params AttributeProto[] attrs) =>
        new(name, () => new OnnxModelBuilder(opset)
            .Input("x", [-1, .. item.Select(d => (long)d)])
            .Node(op, "x", "y", attrs)
            .Output("y"), item);

    private static ParityCase BatchNorm(string name, long opset, params AttributeProto[] attrs) =>
        new(name, () => new OnnxModelBuilder(opset) { UseFloatData = opset < 9 }
            .Input("x", -1, 4, 5, 5)
            .Initializer("scale", W(21, 4))
            .Initializer("bias", W(22, 4))
            .Initializer("mean", W(23, 4))
            .Initializer("var", Positive(24, 4))
            .Node("BatchNormalization", ["x", "scale", "bias", "mean", "var"], ["y"], attrs)
            .Output("y"), [4, 5, 5]);
}

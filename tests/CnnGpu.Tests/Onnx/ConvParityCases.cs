using CnnGpu.Networks.Onnx.Protos;
using static CnnGpu.Tests.Onnx.OnnxModelBuilder;
using static CnnGpu.Tests.Onnx.ParityCase;

namespace CnnGpu.Tests.Onnx;

/// <summary>Conv attribute combinations: pads (incl. CNTK's asymmetric stem), strides, dilations, groups, auto_pad, bias folding.</summary>
public static class ConvParityCases
{
    public static IEnumerable<ParityCase> All()
    {
        yield return Conv("conv 3x3 pad 1 + bias", [4, 9, 9], [6, 4, 3, 3], bias: true, 13, false, Attr("kernel_shape", 3, 3), Attr("pads", 1, 1, 1, 1));
        yield return Conv("conv 7x7 stride 2, CNTK pads [3,3,2,2], float_data, opset 8", [3, 17, 17], [5, 3, 7, 7], bias: false, 8, true, Attr("kernel_shape", 7, 7), Attr("strides", 2, 2), Attr("pads", 3, 3, 2, 2));
        yield return Conv("conv dilation 2, asymmetric pads", [4, 11, 10], [4, 4, 3, 3], bias: true, 13, false, Attr("dilations", 2, 2), Attr("pads", 2, 1, 2, 0));
        yield return Conv("conv group 2, strides [2,1]", [4, 9, 8], [6, 2, 3, 3], bias: true, 13, false, Attr("group", 2L), Attr("strides", 2, 1), Attr("pads", 1, 1, 1, 1));
        yield return Conv("conv depthwise (group = channels)", [4, 7, 7], [4, 1, 3, 3], bias: true, 13, false, Attr("group", 4L), Attr("pads", 1, 1, 1, 1));
        yield return Conv("conv auto_pad SAME_UPPER stride 2", [4, 9, 9], [5, 4, 4, 4], bias: true, 13, false, Attr("auto_pad", "SAME_UPPER"), Attr("strides", 2, 2));
        yield return Conv("conv auto_pad SAME_LOWER stride 2", [4, 9, 9], [5, 4, 4, 4], bias: true, 13, false, Attr("auto_pad", "SAME_LOWER"), Attr("strides", 2, 2));
        yield return Conv("conv auto_pad VALID stride 2", [4, 9, 9], [5, 4, 3, 3], bias: false, 13, false, Attr("auto_pad", "VALID"), Attr("strides", 2, 2));
        yield return Conv("conv 1x1 stride 2, opset 7", [4, 9, 9], [8, 4, 1, 1], bias: true, 7, false, Attr("strides", 2, 2));
        yield return Conv("conv 5x5 opset 21, dynamic batch of 3", [3, 8, 8], [4, 3, 5, 5], bias: true, 21, false, Attr("pads", 2, 2, 2, 2)) with { Batch = 3 };
        yield return new("conv without kernel_shape and bias, then Add [1,C,1,1] (folded)", () =>
            new OnnxModelBuilder()
                .Input("x", -1, 4, 8, 8)
                .Initializer("W", W(13, 6, 4, 3, 3))
                .Initializer("bias", W(14, 1, 6, 1, 1))
                .Node("Conv", ["x", "W"], ["c"], Attr("pads", 1, 1, 1, 1))
                .Node("Add", ["c", "bias"], ["y"])
                .Output("y"), [4, 8, 8]);

        // torch.onnx shares equal initializers: the second conv's weights and bias are Identity outputs of the first's.
        yield return new("two convs sharing initializers through Identity (torch.onnx style)", () =>
            new OnnxModelBuilder()
                .Input("x", -1, 4, 8, 8)
                .Initializer("W", W(15, 4, 4, 3, 3))
                .Initializer("b", W(16, 4))
                .Node("Identity", "W", "W2")
                .Node("Identity", "b", "b2")
                .Node("Conv", ["x", "W", "b"], ["c"], Attr("pads", 1, 1, 1, 1))
                .Node("Relu", "c", "r")
                .Node("Conv", ["r", "W2", "b2"], ["y"], Attr("pads", 1, 1, 1, 1))
                .Output("y"), [4, 8, 8]);
    }

    private static ParityCase Conv(string name, int[] item, int[] w, bool bias, long opset, bool floatData, params AttributeProto[] attrs) =>
        new(name, () =>
        {
            var b = new OnnxModelBuilder(opset) { UseFloatData = floatData }
                .Input("x", [-1, .. item.Select(d => (long)d)])
                .Initializer("W", W(11, w));
            string[] inputs = ["x", "W"];
            if (bias)
            {
                b.Initializer("B", W(12, w[0]));
                inputs = [.. inputs, "B"];
            }

            return b.Node("Conv", inputs, ["y"], attrs).Output("y");
        }, item);
}

using CnnGpu.Runtime.Tensors;
using static CnnGpu.Tests.Onnx.OnnxModelBuilder;

namespace CnnGpu.Tests.Onnx;

/// <summary>
/// Clip (attribute and input bounds), scalar Mul, channel Slice, ReduceMean, the channel shuffle with a constant
/// shape (as CnnGpu's exporter writes it) and with Shape arithmetic on a dynamic batch (as torch.onnx writes it),
/// and folded constant arithmetic, each checked against ONNX Runtime.
/// </summary>
public static class ChannelOpParityCases
{
    public static IEnumerable<ParityCase> All()
    {
        yield return new("Clip opset 13 (ReLU6, Constant bounds)", () => new OnnxModelBuilder(13)
            .Input("x", -1, 3, 4, 4)
            .Node("Constant", [], ["lo"], Attr("value", Scalar("lo", 0f)))
            .Node("Constant", [], ["hi"], Attr("value", Scalar("hi", 6f)))
            .Node("Clip", ["x", "lo", "hi"], ["y"])
            .Output("y"), [3, 4, 4], Low: -10f, High: 10f);
        yield return new("Clip opset 13 (min only, initializer)", () => new OnnxModelBuilder(13)
            .Input("x", -1, 5, 3, 3)
            .Initializer("lo", new Tensor(new TensorShape([]), [-0.25f]))
            .Node("Clip", ["x", "lo"], ["y"])
            .Output("y"), [5, 3, 3]);
        yield return new("Clip opset 10 (min and max attributes)", () => new OnnxModelBuilder(10)
            .Input("x", -1, 3, 4, 4)
            .Node("Clip", "x", "y", Attr("min", -0.5f), Attr("max", 0.25f))
            .Output("y"), [3, 4, 4]);
        yield return new("Mul by a scalar constant (residual scaling)", () => new OnnxModelBuilder(13)
            .Input("x", -1, 3, 4, 4)
            .Initializer("s", new Tensor(new TensorShape([]), [0.17f]))
            .Node("Mul", ["s", "x"], ["y"])
            .Output("y"), [3, 4, 4]);
        yield return new("Slice of channels [2, 5) (opset 13, constant bounds)", () => new OnnxModelBuilder(13)
            .Ints("starts", 2).Ints("ends", 5).Ints("axes", 1)
            .Input("x", -1, 7, 3, 4)
            .Node("Slice", ["x", "starts", "ends", "axes"], ["y"])
            .Output("y"), [7, 3, 4]);
        yield return new("Slice of channels [3, end) (opset 9 attributes, end past the last channel)", () => new OnnxModelBuilder(9)
            .Input("x", -1, 7, 3, 4)
            .Node("Slice", "x", "y", Attr("starts", [3L]), Attr("ends", [long.MaxValue]), Attr("axes", [1L]))
            .Output("y"), [7, 3, 4]);
        yield return new("ReduceMean over axes 2, 3 (keepdims 0)", () => new OnnxModelBuilder(13)
            .Input("x", -1, 6, 5, 4)
            .Node("ReduceMean", "x", "y", Attr("axes", 2, 3), Attr("keepdims", 0L))
            .Output("y"), [6, 5, 4]);
        yield return new("ReduceMean over axes -1, -2 (keepdims 1)", () => new OnnxModelBuilder(13)
            .Input("x", -1, 6, 5, 4)
            .Node("ReduceMean", "x", "y", Attr("axes", -1, -2))
            .Output("y"), [6, 5, 4]);
        yield return new("Channel shuffle, constant shapes: Reshape [0, 3, 4, H, W] → Transpose → Reshape [0, 12, H, W]", () => new OnnxModelBuilder(13)
            .Ints("grouped", 0, 3, 4, 3, 2).Ints("flat", 0, 12, 3, 2)
            .Input("x", -1, 12, 3, 2)
            .Node("Reshape", ["x", "grouped"], ["g"])
            .Node("Transpose", "g", "t", Attr("perm", 0, 2, 1, 3, 4))
            .Node("Reshape", ["t", "flat"], ["y"])
            .Output("y"), [12, 3, 2], Batch: 3);
        yield return new("Channel shuffle, torch.onnx shape arithmetic: Shape → Gather → Div → Unsqueeze → Concat", () => ShuffleWithShapeArithmetic(), [10, 3, 3], Batch: 3);
        yield return new("Folded arithmetic: Add of two constant factors feeds Mul", () => new OnnxModelBuilder(13)
            .Input("x", -1, 3, 2, 2)
            .Initializer("a", new Tensor(new TensorShape([]), [0.25f]))
            .Initializer("b", new Tensor(new TensorShape([]), [0.5f]))
            .Node("Add", ["a", "b"], ["s"])
            .Node("Mul", ["x", "s"], ["y"])
            .Output("y"), [3, 2, 2]);
    }

    /// <summary>
    /// torchvision's channel_shuffle(x, groups=2) as torch 1.13 exports it with a dynamic batch: every size
    /// read with Shape + Gather, the per-group channels computed with Div, the new shapes assembled with
    /// Unsqueeze + Concat (batch first), then Reshape → Transpose(0, 2, 1, 3, 4) → Reshape with −1.
    /// </summary>
    private static OnnxModelBuilder ShuffleWithShapeArithmetic()
    {
        var b = new OnnxModelBuilder(13)
            .Ints("axis0", 0).Ints("two", 2).Ints("minus1", -1)
            .Input("x", -1, 10, 3, 3)
            .Node("Relu", "x", "r");
        string[] dims = ["n", "c", "h", "w"];
        for (int i = 0; i < 4; i++)
        {
            b.Node("Constant", [], [$"i{i}"], Attr("value", Int64Scalar($"i{i}", i)))
             .Node("Shape", "r", $"shape{i}")
             .Node("Gather", [$"shape{i}", $"i{i}"], [dims[i]], Attr("axis", 0L));
        }

        b.Node("Constant", [], ["groups"], Attr("value", Int64Scalar("groups", 2)))
         .Node("Div", ["c", "groups"], ["perGroup"])
         .Node("Cast", "perGroup", "perGroupLong", Attr("to", 7L));
        foreach (string v in new[] { "n", "perGroupLong", "h", "w" })
        {
            b.Node("Unsqueeze", [v, "axis0"], [$"{v}1"]);
        }

        return b
            .Node("Concat", ["n1", "two", "perGroupLong1", "h1", "w1"], ["grouped"], Attr("axis", 0L))
            .Node("Reshape", ["r", "grouped"], ["g"])
            .Node("Transpose", "g", "t", Attr("perm", 0, 2, 1, 3, 4))
            .Node("Concat", ["n1", "minus1", "h1", "w1"], ["flat"], Attr("axis", 0L))
            .Node("Reshape", ["t", "flat"], ["y"])
            .Output("y");
    }

    private static Networks.Onnx.Protos.TensorProto Scalar(string name, float value) => FloatTensor(name, new Tensor(new TensorShape([]), [value]));

    private static Networks.Onnx.Protos.TensorProto Int64Scalar(string name, long value)
    {
        var t = new Networks.Onnx.Protos.TensorProto { Name = name, DataType = (int)Networks.Onnx.Protos.TensorProto.Types.DataType.Int64 };
        t.Int64Data.Add(value);
        return t;
    }
}

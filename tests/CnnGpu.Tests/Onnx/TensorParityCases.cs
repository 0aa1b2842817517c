using CnnGpu.Networks.Onnx.Protos;
using CnnGpu.Runtime.Tensors;
using Google.Protobuf;
using static CnnGpu.Tests.Onnx.OnnxModelBuilder;
using static CnnGpu.Tests.Onnx.ParityCase;

namespace CnnGpu.Tests.Onnx;

/// <summary>Concat, Split, Flatten, Reshape, Dropout, Identity, Constant nodes, and CNTK's preprocessing chain.</summary>
public static class TensorParityCases
{
    public static IEnumerable<ParityCase> All()
    {
        yield return Branches("Concat axis 1", Attr("axis", 1L));
        yield return Branches("Concat axis -3", Attr("axis", -3L));
        yield return new("Flatten (default axis) of a rank-4 tensor", () => new OnnxModelBuilder()
            .Input("x", -1, 3, 4, 5).Node("Flatten", "x", "y").Output("y"), [3, 4, 5]);
        yield return new("Flatten axis -3 (= 1)", () => new OnnxModelBuilder()
            .Input("x", -1, 3, 4, 5).Node("Flatten", "x", "y", Attr("axis", -3L)).Output("y"), [3, 4, 5]);
        yield return new("Dropout opset 10 (ratio attribute) and Identity", () => new OnnxModelBuilder(10)
            .Input("x", -1, 3, 4, 4)
            .Node("Dropout", "x", "d", Attr("ratio", 0.3f))
            .Node("Identity", "d", "y")
            .Output("y"), [3, 4, 4]);
        yield return new("Dropout opset 13 (ratio and training_mode inputs, mask unused)", () => new OnnxModelBuilder(13)
            .Input("x", -1, 3, 4, 4)
            .Initializer("ratio", new Tensor(new TensorShape([]), [0.2f]))
            .Node("Constant", [], ["training"], Attr("value", BoolScalar(false)))
            .Node("Dropout", ["x", "ratio", "training"], ["y", "mask"])
            .Output("y"), [3, 4, 4]);
        yield return new("Constant nodes: conv weights (value) and reshape shape (value_ints, opset 13)", () => new OnnxModelBuilder(13)
            .Input("x", -1, 2, 4, 4)
            .Node("Constant", [], ["w"], Attr("value", FloatTensor("w", W(61, 3, 2, 3, 3))))
            .Node("Constant", [], ["shape"], Attr("value_ints", 0, 12))
            .Node("Conv", ["x", "w"], ["c"])
            .Node("Reshape", ["c", "shape"], ["y"])
            .Output("y"), [2, 4, 4]);
        yield return Split("Split opset 8 (split attribute) → reordered Concat", 8, [6, 5, 5], ["a", "b", "c"], [Attr("axis", 1L), Attr("split", 1, 2, 3)], null);
        yield return Split("Split opset 13 (split input)", 13, [6, 4, 4], ["a", "b"], [Attr("axis", 1L)], [4, 2]);
        yield return Split("Split opset 18 (num_outputs, equal parts)", 18, [6, 3, 3], ["a", "b", "c"], [Attr("axis", 1L), Attr("num_outputs", 3L)], null);
        yield return new("CNTK preprocessing: Split RGB → Concat BGR → Sub mean image (opset 8, batch 1)", () => new OnnxModelBuilder(8, 3) { UseFloatData = true }
            .Input("rgb", 1, 3, 6, 5)
            .Initializer("mean", RandomDataOf(62, 100f, 130f, 1, 3, 6, 5))
            .Node("Split", ["rgb"], ["r", "g", "b"], Attr("axis", 1L), Attr("split", 1, 1, 1))
            .Node("Concat", ["b", "g", "r"], ["bgr"], Attr("axis", 1L))
            .Node("Sub", ["bgr", "mean"], ["y"])
            .Output("y"), [3, 6, 5], Batch: 1, Low: 0f, High: 255f);
    }

    private static Tensor RandomDataOf(int seed, float low, float high, params int[] dims) => Support.RandomData.Uniform(seed, low, high, dims);

    private static TensorProto BoolScalar(bool value) =>
        new() { Name = "training", DataType = (int)TensorProto.Types.DataType.Bool, RawData = ByteString.CopyFrom([value ? (byte)1 : (byte)0]) };

    private static ParityCase Branches(string name, AttributeProto axis) =>
        new(name, () => new OnnxModelBuilder()
            .Input("x", -1, 3, 5, 5)
            .Initializer("w1", W(63, 2, 3, 1, 1))
            .Initializer("w2", W(64, 4, 3, 3, 3))
            .Node("Conv", ["x", "w1"], ["a"])
            .Node("Conv", ["x", "w2"], ["b"], Attr("pads", 1, 1, 1, 1))
            .Node("Concat", ["b", "x", "a"], ["y"], axis)
            .Output("y"), [3, 5, 5]);

    private static ParityCase Split(string name, long opset, int[] item, string[] parts, AttributeProto[] attrs, long[]? sizes) =>
        new(name, () =>
        {
            var b = new OnnxModelBuilder(opset).Input("x", [-1, .. item.Select(d => (long)d)]);
            string[] inputs = ["x"];
            if (sizes is not null)
            {
                b.Ints("sizes", sizes);
                inputs = ["x", "sizes"];
            }

            return b.Node("Split", inputs, parts, attrs)
                .Node("Concat", [.. parts.Reverse()], ["y"], Attr("axis", 1L))
                .Output("y");
        }, item);
}

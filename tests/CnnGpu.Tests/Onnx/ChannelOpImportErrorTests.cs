using CnnGpu.Networks.Onnx;
using CnnGpu.Runtime.Tensors;
using static CnnGpu.Tests.Onnx.OnnxModelBuilder;

namespace CnnGpu.Tests.Onnx;

/// <summary>What the importer still refuses around the new ops fails as one line naming the node and the reason.</summary>
public sealed class ChannelOpImportErrorTests
{
    [Fact]
    public void A_transpose_that_is_not_a_channel_shuffle_is_refused()
    {
        var model = new OnnxModelBuilder().Input("x", -1, 3, 4, 5).Node("Transpose", "x", "y", Attr("perm", 0, 1, 3, 2)).Output("y").Build();
        AssertOneLine(model, "Transpose", "perm [0, 1, 3, 2]", "only the channel shuffle");
    }

    [Fact]
    public void A_reshape_whose_shape_is_computed_from_the_batch_size_is_refused()
    {
        // [N·2, …]: Shape → Gather(0) → Mul 2 is the batch times two, which is not known at import time.
        var model = new OnnxModelBuilder()
            .Ints("zero", 0).Ints("rest", 6, 4, 5)
            .Initializer("two", new Tensor(new TensorShape(1), [2f]))
            .Input("x", -1, 12, 4, 5)
            .Node("Shape", "x", "s")
            .Node("Gather", ["s", "zero"], ["n"], Attr("axis", 0L))
            .Ints("twoInt", 2)
            .Node("Mul", ["n", "twoInt"], ["n2"])
            .Node("Concat", ["n2", "rest"], ["shape"], Attr("axis", 0L))
            .Node("Reshape", ["x", "shape"], ["y"])
            .Output("y").Build();
        AssertOneLine(model, "Reshape", "computed from the batch size");
    }

    [Fact]
    public void Clip_bounds_computed_from_data_are_refused()
    {
        var model = new OnnxModelBuilder().Input("x", -1, 3, 4, 4).Input("m", -1, 1).Node("Clip", ["x", "m"], ["y"]).Output("y").Build();
        AssertOneLine(model, "Clip", "Clip bounds must be constants");
    }

    [Fact]
    public void A_slice_of_a_spatial_axis_is_refused()
    {
        var model = new OnnxModelBuilder().Ints("s", 1).Ints("e", 3).Ints("a", 2)
            .Input("x", -1, 3, 4, 4).Node("Slice", ["x", "s", "e", "a"], ["y"]).Output("y").Build();
        AssertOneLine(model, "Slice", "axis 2", "only a contiguous channel range");
    }

    [Fact]
    public void A_shuffle_view_used_by_another_op_is_refused()
    {
        var model = new OnnxModelBuilder().Ints("g", 0, 2, 3, 4, 4)
            .Input("x", -1, 6, 4, 4).Node("Reshape", ["x", "g"], ["v"]).Node("Relu", "v", "y").Output("y").Build();
        AssertOneLine(model, "Relu", "5-D [N, g, c, H, W] view");
    }

    private static void AssertOneLine(Networks.Onnx.Protos.ModelProto model, params string[] fragments)
    {
        var e = Assert.Throws<OnnxImportException>(() => OnnxImporter.Import(model));
        Assert.DoesNotContain('\n', e.Message);
        foreach (string fragment in fragments)
        {
            Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
        }
    }
}

using CnnGpu.Runtime;
using CnnGpu.Runtime.Backends.Reference;
using CnnGpu.Runtime.Execution;
using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Planning;
using CnnGpu.Runtime.Tensors;

namespace CnnGpu.Tests.Graph;

public sealed class ShapeInferenceTests
{
    [Theory]
    [InlineData(227, 11, 4, 2, 2, 1, false, 56)]   // AlexNet conv1 (lecture table)
    [InlineData(56, 3, 2, 0, 0, 1, false, 27)]     // AlexNet pool1
    [InlineData(13, 3, 2, 0, 0, 1, false, 6)]      // AlexNet pool5
    [InlineData(224, 7, 2, 3, 3, 1, false, 112)]   // ResNet / GoogLeNet stem
    [InlineData(112, 3, 2, 0, 0, 1, true, 56)]     // GoogLeNet pool in ceil mode
    [InlineData(112, 3, 2, 0, 0, 1, false, 55)]    // … and in floor mode
    [InlineData(5, 2, 2, 0, 0, 1, true, 3)]
    [InlineData(5, 2, 2, 1, 1, 1, true, 3)]        // a 4th window would start in the bottom padding: dropped
    [InlineData(13, 3, 1, 2, 2, 2, false, 13)]     // dilation 2 with pad 2 keeps the size
    public void Window_output_follows_the_lecture_formula(int input, int kernel, int stride, int padBegin, int padEnd, int dilation, bool ceil, int expected) =>
        Assert.Equal(expected, ShapeInference.WindowOutput(input, kernel, stride, padBegin, padEnd, dilation, ceil));

    [Fact]
    public void Shapes_follow_the_batch_size()
    {
        var b = new GraphBuilder("shapes");
        int x = b.Input("data", 3, 17, 15);
        int y = b.Conv2d("conv", x, 8, Conv2dAttrs.Square(3, stride: 2, pad: 1));
        y = b.MaxPool("pool", y, PoolWindow.Square(3, 2, ceilMode: true));
        y = b.Flatten("flat", y);
        b.Output(b.FullyConnected("fc", y, 5));
        var graph = b.Build();
        var shapes = ShapeInference.Infer(graph, 4);
        Assert.Equal(new TensorShape(4, 8, 9, 8), shapes[graph.GetValue("conv").Id]);
        Assert.Equal(new TensorShape(4, 8, 4, 4), shapes[graph.GetValue("pool").Id]);
        Assert.Equal(new TensorShape(4, 5), shapes[graph.GetValue("fc").Id]);
    }

    [Fact]
    public void Conv_channel_mismatch_names_the_node_and_both_shapes()
    {
        var b = new GraphBuilder("bad-conv");
        int x = b.Input("data", 3, 8, 8);
        int w = b.Constant("conv2.weight", new Tensor(new TensorShape(16, 4, 3, 3)));
        var e = Assert.Throws<ShapeMismatchException>(() => b.Add("conv2", OpKind.Conv2d, Conv2dAttrs.Square(3), x, w));
        Assert.Contains("'conv2'", e.Message, StringComparison.Ordinal);
        Assert.Contains("[1, 3, 8, 8]", e.Message, StringComparison.Ordinal);
        Assert.Contains("[16, 4, 3, 3]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Residual_add_mismatch_names_the_node_and_both_shapes()
    {
        var b = new GraphBuilder("bad-add");
        int x = b.Input("data", 8, 6, 6);
        int y = b.Conv2d("proj", x, 16, Conv2dAttrs.Square(1));
        var e = Assert.Throws<ShapeMismatchException>(() => b.Sum("layer1.0.add", x, y));
        Assert.Contains("Add 'layer1.0.add'", e.Message, StringComparison.Ordinal);
        Assert.Contains("[1, 8, 6, 6]", e.Message, StringComparison.Ordinal);
        Assert.Contains("[1, 16, 6, 6]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_a_batch_1_second_addend_broadcasts()
    {
        var b = new GraphBuilder("broadcast");
        int x = b.Input("data", 3, 4, 4);
        int mean = b.Constant("mean", new Tensor(new TensorShape(1, 3, 4, 4)));
        int sum = b.Sum("sub_mean", x, mean);
        Assert.Equal(new TensorShape(5, 3, 4, 4), ShapeInference.Infer(b.Build(), 5)[sum]);
        int wrong = b.Constant("wrong", new Tensor(new TensorShape(1, 3, 4, 5)));
        var e = Assert.Throws<ShapeMismatchException>(() => b.Sum("bad", x, wrong));
        Assert.Contains("[1, 3, 4, 5]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fully_connected_mismatch_names_the_node_and_both_shapes()
    {
        var b = new GraphBuilder("bad-fc");
        int x = b.Input("data", 9216);
        int w = b.Constant("fc6.weight", new Tensor(new TensorShape(4096, 9000)));
        var e = Assert.Throws<ShapeMismatchException>(() => b.Add("fc6", OpKind.FullyConnected, new FullyConnectedAttrs(), x, w));
        Assert.Contains("'fc6'", e.Message, StringComparison.Ordinal);
        Assert.Contains("[1, 9216]", e.Message, StringComparison.Ordinal);
        Assert.Contains("[4096, 9000]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Concat_spatial_mismatch_names_the_node_and_both_shapes()
    {
        var b = new GraphBuilder("bad-concat");
        int x = b.Input("data", 4, 8, 8);
        int y = b.MaxPool("pool", x, PoolWindow.Square(2, 2));
        var e = Assert.Throws<ShapeMismatchException>(() => b.Concat("inception.concat", x, y));
        Assert.Contains("'inception.concat'", e.Message, StringComparison.Ordinal);
        Assert.Contains("[1, 4, 4, 4]", e.Message, StringComparison.Ordinal);
        Assert.Contains("[1, 4, 8, 8]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Kernel_larger_than_input_is_a_shape_error()
    {
        var b = new GraphBuilder("too-small");
        int x = b.Input("data", 3, 4, 4);
        var e = Assert.Throws<ShapeMismatchException>(() => b.Conv2d("conv1", x, 8, Conv2dAttrs.Square(7)));
        Assert.Contains("'conv1'", e.Message, StringComparison.Ordinal);
        Assert.Contains("[1, 3, 4, 4]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_hand_built_graph_with_bad_shapes_fails_inference_naming_the_node()
    {
        // Built without the builder's incremental checks, so the error must come from ShapeInference.Infer.
        var values = new[]
        {
            new Value(0, "data", null),
            new Value(1, "fc.weight", new Tensor(new TensorShape(10, 7))),
            new Value(2, "fc", null),
        };
        var node = new Node("fc", OpKind.FullyConnected, new FullyConnectedAttrs(), [0, 1], 2);
        var graph = new ComputeGraph("hand", values, [node], [new GraphInput(0, new TensorShape(12))], [2]);
        var e = Assert.Throws<ShapeMismatchException>(() => ShapeInference.Infer(graph, 3));
        Assert.Contains("FullyConnected 'fc'", e.Message, StringComparison.Ordinal);
        Assert.Contains("[3, 12]", e.Message, StringComparison.Ordinal);
        Assert.Contains("[10, 7]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Executor_rejects_an_input_of_the_wrong_shape_naming_both_shapes()
    {
        var b = new GraphBuilder("input-check");
        int x = b.Input("image", 3, 8, 8);
        b.Output(b.Relu("relu", x));
        using var executor = new Executor(b.Build(), new ReferenceBackend());
        var e = Assert.Throws<ShapeMismatchException>(() => executor.Run(new Tensor(new TensorShape(2, 3, 8, 9))));
        Assert.Contains("'image'", e.Message, StringComparison.Ordinal);
        Assert.Contains("[2, 3, 8, 8]", e.Message, StringComparison.Ordinal);
        Assert.Contains("[2, 3, 8, 9]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Graph_validation_rejects_use_before_definition()
    {
        var values = new[] { new Value(0, "data", null), new Value(1, "a", null), new Value(2, "b", null) };
        Node[] nodes =
        [
            new("a", OpKind.Add, NoAttrs.Instance, [0, 2], 1),
            new("b", OpKind.Relu, NoAttrs.Instance, [0], 2),
        ];
        var e = Assert.Throws<CnnGpuException>(() => new ComputeGraph("cycle", values, nodes, [new GraphInput(0, new TensorShape(4))], [1]));
        Assert.Contains("Add 'a'", e.Message, StringComparison.Ordinal);
        Assert.Contains("'b'", e.Message, StringComparison.Ordinal);
    }
}

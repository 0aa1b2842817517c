using CnnGpu.Networks.Onnx;
using CnnGpu.Networks.Onnx.Protos;
using CnnGpu.Runtime;
using static CnnGpu.Tests.Onnx.OnnxModelBuilder;
using static CnnGpu.Tests.Onnx.ParityCase;

namespace CnnGpu.Tests.Onnx;

/// <summary>
/// Unsupported ops and attributes, truncated files and files that are not ONNX all raise one
/// typed <see cref="OnnxImportException"/> with a one-line message naming what is at fault.
/// </summary>
public sealed class OnnxImportErrorTests
{
    public static TheoryData<string, string, string?> UnsupportedAttributes => new()
    {
        { "MaxPool", "dilations", "dilated pooling" },
        { "Gemm", "transA", "transposed activation" },
        { "Conv", "foo", "not supported for Conv" },
        { "Softmax", "axis", "only over the channel axis" },
        { "Reshape", "shape", "only flattening" },
        { "BatchNormalization", "training_mode", "training mode" },
        { "AveragePool", "auto_pad", "not one of NOTSET" },
        { "Concat", "axis", "only channel concatenation" },
        { "Flatten", "axis", "only axis 1" },
        { "Unsqueeze", "axes", "only an SE gate [N, C] → [N, C, 1, 1]" },
    };

    [Fact]
    public void Unsupported_op_names_op_node_domain_and_opset()
    {
        var model = new OnnxModelBuilder(12).Input("x", -1, 3, 4, 4).Node("LeakyRelu", "x", "y", Attr("alpha", 0.1f)).Output("y").Build();
        var e = Assert.Throws<OnnxImportException>(() => OnnxImporter.Import(model));
        Assert.Equal(("LeakyRelu", "leakyrelu0", "ai.onnx", 12L, (string?)null), (e.OpType, e.NodeName, e.Domain, e.Opset, e.Attribute));
        AssertOneLine(e, "LeakyRelu", "'leakyrelu0'", "ai.onnx", "opset 12", "not supported");
        Assert.IsAssignableFrom<CnnGpuException>(e);
    }

    [Fact]
    public void Custom_domain_is_named()
    {
        var model = new OnnxModelBuilder().Input("x", -1, 3, 4, 4).Node("FusedConv", "x", "y").Output("y").Build();
        model.Graph.Node[0].Domain = "com.microsoft";
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "com.microsoft", Version = 1 });
        var e = Assert.Throws<OnnxImportException>(() => OnnxImporter.Import(model));
        Assert.Equal(("com.microsoft", 1L), (e.Domain, e.Opset));
        AssertOneLine(e, "FusedConv", "com.microsoft", "opset 1");
    }

    [Theory]
    [MemberData(nameof(UnsupportedAttributes))]
    public void Unsupported_attribute_is_named(string op, string attribute, string? expected)
    {
        var e = Assert.Throws<OnnxImportException>(() => OnnxImporter.Import(WithBadAttribute(op)));
        Assert.Equal(op, e.OpType);
        Assert.Equal(attribute, e.Attribute);
        AssertOneLine(e, op, $"attribute '{attribute}'", "ai.onnx", "opset", expected!);
    }

    [Fact]
    public void Node_reading_an_unknown_value_is_named()
    {
        var model = new OnnxModelBuilder().Input("x", -1, 3, 4, 4).Node("Relu", "nowhere", "y").Output("y").Build();
        var e = Assert.Throws<OnnxImportException>(() => OnnxImporter.Import(model));
        AssertOneLine(e, "Relu", "'nowhere'");
    }

    [Theory]
    [InlineData(6)]
    [InlineData(22)]
    public void Opsets_outside_7_to_21_are_rejected(long opset)
    {
        var model = new OnnxModelBuilder(opset).Input("x", -1, 3).Node("Relu", "x", "y").Output("y").Build();
        var e = Assert.Throws<OnnxImportException>(() => OnnxImporter.Import(model));
        AssertOneLine(e, $"opset {opset}", "7–21");
    }

    [Fact]
    public void Only_the_batch_dimension_may_be_dynamic()
    {
        var model = new OnnxModelBuilder().Input("x", -1, 3, 4, 4).Node("Relu", "x", "y").Output("y").Build();
        model.Graph.Input[0].Type.TensorType.Shape.Dim[2] = new TensorShapeProto.Types.Dimension { DimParam = "H" };
        var e = Assert.Throws<OnnxImportException>(() => OnnxImporter.Import(model));
        AssertOneLine(e, "'x'", "'H'", "only the batch");
    }

    [Fact]
    public void Every_truncation_of_a_model_is_an_import_error()
    {
        byte[] bytes = new OnnxModelBuilder()
            .Input("x", -1, 3, 4, 4).Initializer("W", W(81, 2, 3, 3, 3))
            .Node("Conv", ["x", "W"], ["y"]).Output("y").Bytes();
        using var scratch = new Scratch();
        string path = scratch.File("truncated.onnx");
        for (int length = 0; length < bytes.Length; length += length < 64 ? 1 : 13)
        {
            File.WriteAllBytes(path, bytes[..length]);
            var e = Assert.Throws<OnnxImportException>(() => OnnxImporter.Load(path));
            AssertOneLine(e, "truncated");
        }
    }

    [Theory]
    [InlineData("chelsea.png")]
    [InlineData("rocket.jpg")]
    [InlineData("LICENSES.md")]
    public void Files_that_are_not_onnx_are_import_errors(string sample)
    {
        string path = Path.Combine(TestFiles.Samples, sample);
        var e = Assert.Throws<OnnxImportException>(() => OnnxImporter.Load(path));
        AssertOneLine(e, sample, "not");
        Assert.Null(e.OpType);
    }

    [Fact]
    public void Empty_and_missing_files_are_import_errors()
    {
        using var scratch = new Scratch();
        string empty = scratch.File("empty.onnx");
        File.WriteAllBytes(empty, []);
        AssertOneLine(Assert.Throws<OnnxImportException>(() => OnnxImporter.Load(empty)), "empty");
        AssertOneLine(Assert.Throws<OnnxImportException>(() => OnnxImporter.Load(scratch.File("absent.onnx"))), "does not exist");
    }

    private static ModelProto WithBadAttribute(string op)
    {
        var b = new OnnxModelBuilder(op == "AveragePool" ? 19 : 12).Input("x", -1, 4, 6, 6);
        switch (op)
        {
            case "MaxPool":
                b.Node(op, "x", "y", Attr("kernel_shape", 2, 2), Attr("dilations", 2, 2));
                break;
            case "Gemm":
                b.Initializer("B", W(82, 4, 5)).Node("Flatten", "x", "f").Node(op, ["f", "B"], ["y"], Attr("transA", 1L));
                break;
            case "Conv":
                b.Initializer("W", W(83, 2, 4, 3, 3)).Node(op, ["x", "W"], ["y"], Attr("foo", 1L));
                break;
            case "Softmax":
                b.Node(op, "x", "y", Attr("axis", 1L));
                break;
            case "Reshape":
                b.Ints("shape", 1, 2, 72).Node(op, ["x", "shape"], ["y"]);
                break;
            case "BatchNormalization":
                b = new OnnxModelBuilder(15).Input("x", -1, 4, 6, 6);
                foreach (string p in new[] { "s", "b", "m", "v" })
                {
                    b.Initializer(p, Positive(84, 4));
                }

                b.Node(op, ["x", "s", "b", "m", "v"], ["y"], Attr("training_mode", 1L));
                break;
            case "AveragePool":
                b.Node(op, "x", "y", Attr("kernel_shape", 2, 2), Attr("auto_pad", "SAME"));
                break;
            case "Concat":
                b.Node(op, ["x", "x"], ["y"], Attr("axis", 2L));
                break;
            case "Flatten":
                b.Node(op, "x", "y", Attr("axis", 2L));
                break;
            case "Unsqueeze":
                b.Node(op, "x", "y", Attr("axes", 0, 1));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(op), op, null);
        }

        return b.Output("y").Build();
    }

    private static void AssertOneLine(OnnxImportException e, params string[] fragments)
    {
        Assert.DoesNotContain('\n', e.Message);
        foreach (string fragment in fragments)
        {
            Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
        }
    }
}

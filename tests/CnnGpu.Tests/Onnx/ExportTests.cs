using System.Diagnostics;
using CnnGpu.Networks;
using CnnGpu.Networks.Onnx;
using CnnGpu.Networks.Onnx.Export;
using CnnGpu.Networks.Onnx.Protos;
using CnnGpu.Networks.Zoo;
using CnnGpu.Runtime;
using CnnGpu.Runtime.Backends.Reference;
using CnnGpu.Runtime.Execution;
using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Passes;
using CnnGpu.Runtime.Tensors;
using CnnGpu.Tests.Support;
using Google.Protobuf;
using Xunit.Abstractions;

namespace CnnGpu.Tests.Onnx;

/// <summary>
/// <see cref="OnnxExporter"/>: ONNX Runtime runs each exported network (zoo graph and weights) and
/// agrees with CnnGpu's reference backend on the same graph within |a − e| ≤ 1e-5 + 1e-4·|e|, on
/// the logits as well as the probabilities; re-importing the export gives the original graph's
/// output exactly.
/// </summary>
public sealed class ExportTests(ITestOutputHelper log)
{
    /// <summary>The nets and the smallest convenient input side each architecture allows (the reference backend is scalar).</summary>
    public static TheoryData<string, int> Networks => new()
    {
        { "tinynet", 32 },
        { "alexnet", 67 },
        { "alexnet-v1", 67 },
        { "vgg11-lrn", 32 },
        { "googlenet", 64 },
        { "resnet18", 32 },
        { "resnet50", 32 },
        { "se-resnet50", 32 },
    };

    [Theory]
    [MemberData(nameof(Networks))]
    public void Onnx_runtime_runs_the_export_like_cnngpu_and_reimport_is_exact(string network, int side)
    {
        var clock = Stopwatch.StartNew();
        var graph = WithLogits(Models.Load(network, new NetworkOptions(InputSize: side)));
        var input = RandomData.Symmetric(network.Length, 2, 3, side, side);
        var model = OnnxExporter.Export(graph);
        byte[] bytes = model.ToByteArray();
        var expected = RunOrt(bytes, input);
        var actual = RunReference(graph, input);

        Assert.Equal(2, expected.Count);
        for (int o = 0; o < 2; o++)
        {
            Assert.Equal(expected[o].Shape, actual[o].Shape);
            Tolerance.AssertClose(expected[o].Data, actual[o].Data, $"{network} output {o} ({(o == 0 ? "probabilities" : "logits")})");
        }

        var logits = expected[1].Data;
        Assert.True(logits.Max() - logits.Min() > 1e-2f, $"{network}: the logits are flat, so the comparison proves little");

        // Round trip: the importer reads the exported file back into the same computation.
        var reimported = OnnxImporter.Import(ModelProto.Parser.ParseFrom(bytes));
        var again = RunReference(reimported, input);
        for (int o = 0; o < 2; o++)
        {
            Tolerance.AssertExact(actual[o].Data, again[o].Data, $"{network} re-imported, output {o}");
        }

        log.WriteLine($"{network} at {side}: {model.Graph.Node.Count} ONNX nodes, {bytes.Length / 1e6:F1} MB, " +
            $"worst logit error {WorstFraction(expected[1].Data, actual[1].Data):P1} of the tolerance, {clock.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public void Fused_activations_and_folded_batch_norms_of_an_optimised_graph_export()
    {
        var graph = GraphOptimizer.Optimize(TinyNet.Build());
        Assert.Contains(graph.Nodes, n => n.Attributes is Conv2dAttrs { Activation: FusedActivation.Relu });
        Assert.Contains(graph.Nodes, n => n.Attributes is FullyConnectedAttrs { Activation: FusedActivation.Relu });
        Assert.Contains(graph.Nodes, n => n.Attributes is AddAttrs { Activation: FusedActivation.Relu });

        var input = RandomData.Symmetric(17, 2, 3, 32, 32);
        var model = OnnxExporter.Export(graph);
        var expected = RunOrt(model.ToByteArray(), input)[0];
        Tolerance.AssertClose(expected.Data, RunReference(graph, input)[0].Data, "optimised tinynet");

        // ONNX has no fused form: each fused ReLU is a Relu node after its Conv, Gemm or Add.
        int fused = graph.Nodes.Count(n => n.Attributes is Conv2dAttrs { Activation: FusedActivation.Relu }
            or FullyConnectedAttrs { Activation: FusedActivation.Relu } or AddAttrs { Activation: FusedActivation.Relu });
        Assert.Equal(graph.Nodes.Count(n => n.Kind == OpKind.Relu) + fused, model.Graph.Node.Count(n => n.OpType == "Relu"));
    }

    [Fact]
    public void Attribute_variants_the_zoo_does_not_use_export_faithfully()
    {
        // Dilated strided conv with asymmetric pads, padded average pool counting the padding in ceil
        // mode, padded max pool, a [N,C,1,1] gate, a batch-1 constant added to every item, [in, out] FC weights.
        var b = new GraphBuilder("variants", new WeightInitializer(5));
        int x = b.Input("x", 3, 13, 11);
        x = b.Conv2d("dilated", x, 6, new Conv2dAttrs(3, 3, 2, 1, new Padding2d(2, 0, 1, 3), DilationH: 2, DilationW: 1));
        x = b.AvgPool("avg", x, new PoolWindow(3, 2, 2, 2, new Padding2d(1, 1, 0, 0), CeilMode: true), countIncludePad: true);
        x = b.MaxPool("max", x, new PoolWindow(2, 3, 1, 1, new Padding2d(1, 0, 0, 1)));
        int gate = b.Sigmoid("gate", b.GlobalAvgPool("squeeze", x));
        x = b.ChannelScale("scale", x, gate);
        var shape = b.ShapeOf(x);
        x = b.Sum("offset", x, b.Constant("mean", RandomData.Symmetric(6, [.. shape.Dimensions])));
        x = b.Flatten("flatten", x);
        int w = b.Constant("fc.weight", RandomData.Symmetric(7, b.ShapeOf(x)[1], 5));
        b.Output(b.Add("fc", OpKind.FullyConnected, new FullyConnectedAttrs(TransposedWeight: true), x, w));
        var graph = b.Build();

        var input = RandomData.Symmetric(8, 2, 3, 13, 11);
        var model = OnnxExporter.Export(graph);
        var expected = RunOrt(model.ToByteArray(), input)[0];
        var actual = RunReference(graph, input)[0];
        Assert.Equal(new TensorShape(2, 5), actual.Shape);
        Tolerance.AssertClose(expected.Data, actual.Data, "attribute variants");
        Assert.Equal(["Conv", "AveragePool", "MaxPool", "GlobalAveragePool", "Sigmoid", "Mul", "Add", "Flatten", "Gemm"], model.Graph.Node.Select(n => n.OpType));
    }

    [Fact]
    public void Names_shapes_and_versions_follow_the_graph()
    {
        var graph = NetworkZoo.Build("resnet18", new NetworkOptions(InputSize: 32, Classes: 7));
        var model = OnnxExporter.Export(graph);

        Assert.Equal((7L, 13L), (model.IrVersion, Assert.Single(model.OpsetImport).Version));
        Assert.Equal(string.Empty, model.OpsetImport[0].Domain);
        Assert.Equal("resnet18", model.Graph.Name);
        Assert.Equal("data N 3 32 32", Declared(Assert.Single(model.Graph.Input)));
        Assert.Equal("prob N 7", Declared(Assert.Single(model.Graph.Output)));

        // Every parameter is an initializer under its torchvision-style name, with its data (little-endian floats).
        var initializers = model.Graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        Assert.Equal(graph.Parameters.Select(p => p.Name).Order(StringComparer.Ordinal), initializers.Keys.Order(StringComparer.Ordinal));
        var conv = graph.GetValue("layer1.0.conv1.weight").Constant!;
        var written = initializers["layer1.0.conv1.weight"];
        Assert.Equal(conv.Shape.Dimensions.Select(d => (long)d), written.Dims);
        Assert.Equal(conv.Data, Floats(written.RawData));

        // Nodes keep the graph's names, so an ONNX Runtime error points at the same layer.
        Assert.Equal(graph.Nodes.Select(n => n.Name), model.Graph.Node.Select(n => n.Name));
        var stem = model.Graph.Node[0];
        Assert.Equal(("Conv", "conv1"), (stem.OpType, stem.Output[0]));
        Assert.Equal(["data", "conv1.weight"], stem.Input);
        Assert.Equal([7L, 7], stem.Attribute.Single(a => a.Name == "kernel_shape").Ints);
        Assert.Equal([3L, 3, 3, 3], stem.Attribute.Single(a => a.Name == "pads").Ints);
    }

    [Fact]
    public void Clashing_names_and_outputs_that_no_node_produces_are_made_unique()
    {
        // Two values named "x" (the input and a constant); a fused Add + ReLU whose helper names
        // ("sum.pre_relu", node "sum.relu") the graph already uses; the input itself as an output;
        // and one value listed twice as an output.
        var b = new GraphBuilder("clashes", new WeightInitializer(3));
        int x = b.Input("x", 4, 3, 3);
        int bias = b.Constant("x", RandomData.Symmetric(9, 1, 4, 3, 3));
        int sum = b.Add("sum", OpKind.Add, new AddAttrs(FusedActivation.Relu), x, bias);
        int relu = b.Relu("sum.relu", b.Relu("sum.pre_relu", sum));
        b.Output(relu);
        b.Output(x);
        b.Output(relu);
        var graph = b.Build();

        var model = OnnxExporter.Export(graph);
        var names = model.Graph.Input.Select(i => i.Name).Concat(model.Graph.Initializer.Select(t => t.Name)).Concat(model.Graph.Node.SelectMany(n => n.Output)).ToList();
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(model.Graph.Node.Count, model.Graph.Node.Select(n => n.Name).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(3, model.Graph.Output.Select(o => o.Name).Distinct(StringComparer.Ordinal).Count());

        var input = RandomData.Symmetric(10, 2, 4, 3, 3);
        var expected = RunOrt(model.ToByteArray(), input);
        Assert.Equal(3, expected.Count);
        var constant = graph.Values[bias].Constant!.Data;
        var sumRelu = input.Data.Zip(constant.Concat(constant), (a, c) => Math.Max(a + c, 0f)).ToArray();
        Tolerance.AssertClose(sumRelu, expected[0].Data, "relu(x + c)");
        Tolerance.AssertExact(input.Data, expected[1].Data, "the input passed through");
        Tolerance.AssertExact(expected[0].Data, expected[2].Data, "the repeated output");
    }

    [Fact]
    public void A_graph_that_runs_only_at_batch_1_declares_batch_1_and_odd_gates_are_reshaped()
    {
        // A constant [1, C, 1] gate: a layout ONNX Mul cannot broadcast as is, and one that ties the graph to batch 1.
        var b = new GraphBuilder("batch1", new WeightInitializer(4));
        int x = b.Input("x", 4, 3, 2);
        int gate = b.Constant("gate", RandomData.Symmetric(11, 1, 4, 1));
        b.Output(b.ChannelScale("scale", b.Relu("relu", x), gate));
        var graph = b.Build();

        var model = OnnxExporter.Export(graph);
        Assert.Equal("x 1 4 3 2", Declared(model.Graph.Input[0]));
        Assert.Equal("scale 1 4 3 2", Declared(model.Graph.Output[0]));
        Assert.Contains(model.Graph.Node, n => n.OpType == "Reshape");
        var input = RandomData.Symmetric(12, 1, 4, 3, 2);
        Tolerance.AssertClose(RunOrt(model.ToByteArray(), input)[0].Data, RunReference(graph, input)[0].Data, "constant gate");
    }

    [Fact]
    public void Unknown_op_kinds_fail_naming_the_node_and_op()
    {
        var b = new GraphBuilder("future");
        int x = b.Input("x", 2, 4, 4);
        b.Output(b.Relu("relu", x));
        var known = b.Build();
        var unknown = (OpKind)999;
        var node = new Node("mystery", unknown, NoAttrs.Instance, [known.Nodes[0].Output], known.Values.Length);
        var graph = new ComputeGraph("future", [.. known.Values, new Value(known.Values.Length, "mystery", null)], [.. known.Nodes, node], known.Inputs, [node.Output]);

        var e = Assert.Throws<OnnxExportException>(() => OnnxExporter.Export(graph));
        Assert.IsAssignableFrom<CnnGpuException>(e);
        Assert.Equal(("mystery", unknown), (e.NodeName, e.Op));
        Assert.Contains("'mystery' (op 999)", e.Message, StringComparison.Ordinal);
        Assert.Contains("no ONNX mapping", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Attributes_of_the_wrong_record_fail_naming_the_node()
    {
        var b = new GraphBuilder("mismatch");
        int x = b.Input("x", 2, 4, 4);
        b.Output(b.Relu("relu", x));
        var valid = b.Build();
        var wrong = valid.Nodes[0] with { Kind = OpKind.Conv2d };
        var graph = new ComputeGraph("mismatch", valid.Values, [wrong], valid.Inputs, valid.Outputs);

        var e = Assert.Throws<OnnxExportException>(() => OnnxExporter.Export(graph));
        Assert.Equal(("relu", OpKind.Conv2d), (e.NodeName, e.Op));
        Assert.Contains("NoAttrs", e.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(Conv2dAttrs), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Save_replaces_a_file_only_when_the_whole_model_is_written()
    {
        using var scratch = new Scratch();
        string path = scratch.File("tiny.onnx");
        File.WriteAllText(path, "old");
        OnnxExporter.Save(TinyNet.Build(), path);
        Assert.Equal(OnnxExporter.Export(TinyNet.Build()).ToByteArray(), File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(scratch.Path));

        var e = Assert.Throws<OnnxExportException>(() => OnnxExporter.Save(TinyNet.Build(), scratch.File(Path.Combine("missing", "tiny.onnx"))));
        Assert.Contains("missing", e.Message, StringComparison.Ordinal);
        Assert.Equal([path], Directory.GetFiles(scratch.Path));
    }

    /// <summary>The graph with the final softmax's input (the logits) as a second output, where relative error is meaningful.</summary>
    private static ComputeGraph WithLogits(ComputeGraph graph)
    {
        var softmax = graph.Nodes.Single(n => n.Kind == OpKind.Softmax && n.Output == graph.Outputs[0]);
        return new ComputeGraph(graph.Name, graph.Values, graph.Nodes, graph.Inputs, [graph.Outputs[0], softmax.Inputs[0]]);
    }

    /// <summary>The largest |a − e| as a fraction of the allowed 1e-5 + 1e-4·|e| (for the log).</summary>
    private static double WorstFraction(float[] expected, float[] actual) =>
        expected.Zip(actual, (e, a) => Math.Abs(a - e) / (Tolerance.Atol + (Tolerance.Rtol * Math.Abs(e)))).Max();

    private static IReadOnlyList<Tensor> RunOrt(byte[] model, Tensor input)
    {
        using var oracle = new OrtOracle(model);
        return oracle.Run(input);
    }

    /// <summary>
    /// The graph exactly as given (no passes) on the scalar reference backend: what an
    /// <c>InferenceSession</c> with <c>Optimize = false</c> runs, without its warm-up run, which on
    /// the scalar backend would add half again to the cost of every case.
    /// </summary>
    private static IReadOnlyList<Tensor> RunReference(ComputeGraph graph, Tensor input)
    {
        using var backend = new ReferenceBackend();
        using var executor = new Executor(graph, backend);
        return executor.RunAll(input);
    }

    /// <summary>"name dim dim …", a symbolic dimension by its name.</summary>
    private static string Declared(ValueInfoProto value) =>
        string.Join(' ', value.Type.TensorType.Shape.Dim.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam
            ? d.DimParam
            : d.DimValue.ToString(System.Globalization.CultureInfo.InvariantCulture)).Prepend(value.Name));

    private static float[] Floats(ByteString raw)
    {
        var bytes = raw.ToByteArray();
        var values = new float[bytes.Length / 4];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = System.Buffers.Binary.BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4));
        }

        return values;
    }
}

using CnnGpu.Networks.Onnx;
using CnnGpu.Networks.Onnx.Protos;
using CnnGpu.Runtime.Backends.Reference;
using CnnGpu.Runtime.Execution;
using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Tensors;
using CnnGpu.Tests.Support;
using Google.Protobuf;
using static CnnGpu.Tests.Onnx.OnnxModelBuilder;
using static CnnGpu.Tests.Onnx.ParityCase;

namespace CnnGpu.Tests.Onnx;

/// <summary>Initializers from raw_data, float_data and external files; old-style inputs that are initializers; the dynamic batch.</summary>
public sealed class OnnxModelFormatTests
{
    private static OnnxModelBuilder ConvNet(bool floatData = false, long opset = 13, long irVersion = 10) =>
        new OnnxModelBuilder(opset, irVersion) { UseFloatData = floatData }
            .Input("x", -1, 3, 6, 6)
            .Initializer("W", W(71, 4, 3, 3, 3))
            .Initializer("B", W(72, 4))
            .Node("Conv", ["x", "W", "B"], ["c"], Attr("pads", 1, 1, 1, 1))
            .Node("Relu", "c", "y")
            .Output("y");

    [Fact]
    public void Raw_data_and_float_data_give_the_same_parameters()
    {
        var fromRaw = OnnxImporter.Import(ConvNet(floatData: false).Build());
        var fromFloats = OnnxImporter.Import(ConvNet(floatData: true).Build());
        foreach (string name in new[] { "W", "B" })
        {
            Assert.Equal(fromRaw.GetValue(name).Constant!.Data, fromFloats.GetValue(name).Constant!.Data);
        }

        Assert.Equal(W(71, 4, 3, 3, 3).Data, fromRaw.GetValue("W").Constant!.Data);
    }

    [Fact]
    public void Initializer_names_become_parameter_names()
    {
        var graph = OnnxImporter.Import(ConvNet().Build());
        Assert.Equal(["B", "W"], graph.Parameters.Select(p => p.Name).Order());
        var replaced = graph.WithParameters(new Dictionary<string, Tensor> { ["B"] = new(new TensorShape(4)) });
        Assert.All(replaced.GetValue("B").Constant!.Data, v => Assert.Equal(0f, v));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public void One_graph_serves_every_batch_size(int batch)
    {
        byte[] bytes = ConvNet().Bytes();
        var graph = OnnxImporter.Import(ModelProto.Parser.ParseFrom(bytes));
        Assert.Equal(new TensorShape(3, 6, 6), Assert.Single(graph.Inputs).ItemShape);
        var input = RandomData.Symmetric(batch, batch, 3, 6, 6);
        using var oracle = new OrtOracle(bytes);
        using var backend = new ReferenceBackend();
        using var executor = new Executor(graph, backend);
        var actual = executor.Run(input);
        Assert.Equal(new TensorShape(batch, 4, 6, 6), actual.Shape);
        Tolerance.AssertClose(oracle.Run(input)[0].Data, actual.Data, $"batch {batch}");
    }

    [Fact]
    public void Inputs_that_are_initializers_are_constants()
    {
        byte[] bytes = ConvNet(floatData: true, opset: 8, irVersion: 3).InitializersAsInputs().Bytes();
        var graph = OnnxImporter.Import(ModelProto.Parser.ParseFrom(bytes));
        Assert.Equal("x", graph.Values[Assert.Single(graph.Inputs).ValueId].Name);
        AssertMatchesOrt(graph, new OrtOracle(bytes));
    }

    [Fact]
    public void External_data_is_read_from_next_to_the_model()
    {
        using var scratch = new Scratch();
        var builder = ConvNet();
        var graphProto = builder.Graph;
        var weights = graphProto.Initializer.Single(t => t.Name == "W");
        var bias = graphProto.Initializer.Single(t => t.Name == "B");

        // Both tensors in one file, the second at a page-aligned offset, as ONNX's converter writes them.
        byte[] w = weights.RawData.ToByteArray(), b = bias.RawData.ToByteArray();
        var file = new byte[4096 + b.Length];
        w.CopyTo(file, 0);
        b.CopyTo(file, 4096);
        Directory.CreateDirectory(Path.Combine(scratch.Path, "data"));
        File.WriteAllBytes(Path.Combine(scratch.Path, "data", "weights.bin"), file);
        MakeExternal(weights, "data/weights.bin", 0, w.Length);
        MakeExternal(bias, "data/weights.bin", 4096, b.Length);
        string modelPath = scratch.File("model.onnx");
        File.WriteAllBytes(modelPath, builder.Bytes());

        var graph = OnnxImporter.Load(modelPath);
        Assert.Equal("model", graph.Name);
        using var oracle = new OrtOracle(modelPath);
        AssertMatchesOrt(graph, oracle);
        Assert.Equal(W(71, 4, 3, 3, 3).Data, graph.GetValue("W").Constant!.Data);
    }

    [Theory]
    [InlineData("../outside.bin", "not inside the model's directory")]
    [InlineData("missing.bin", "could not be read")]
    public void Bad_external_data_is_an_import_error(string location, string expected)
    {
        using var scratch = new Scratch();
        var builder = ConvNet();
        MakeExternal(builder.Graph.Initializer.Single(t => t.Name == "W"), location, 0, 4 * 108);
        string modelPath = scratch.File("model.onnx");
        File.WriteAllBytes(modelPath, builder.Bytes());
        var e = Assert.Throws<OnnxImportException>(() => OnnxImporter.Load(modelPath));
        Assert.Contains("Initializer 'W'", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void External_data_needs_a_directory()
    {
        var builder = ConvNet();
        MakeExternal(builder.Graph.Initializer.Single(t => t.Name == "W"), "w.bin", 0, 4 * 108);
        using var stream = new MemoryStream(builder.Bytes());
        var e = Assert.Throws<OnnxImportException>(() => OnnxImporter.Load(stream));
        Assert.Contains("load the model from a file path", e.Message, StringComparison.Ordinal);
    }

    private static void MakeExternal(TensorProto tensor, string location, long offset, long length)
    {
        tensor.RawData = ByteString.Empty;
        tensor.DataLocation = TensorProto.Types.DataLocation.External;
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = length.ToString(System.Globalization.CultureInfo.InvariantCulture) });
    }

    private static void AssertMatchesOrt(ComputeGraph graph, OrtOracle oracle)
    {
        using (oracle)
        {
            var input = RandomData.Symmetric(3, 2, 3, 6, 6);
            using var backend = new ReferenceBackend();
            using var executor = new Executor(graph, backend);
            Tolerance.AssertClose(oracle.Run(input)[0].Data, executor.Run(input).Data, graph.Name);
        }
    }
}

using CnnGpu.Networks.Onnx;
using CnnGpu.Networks.Onnx.Protos;
using CnnGpu.Tests.Onnx;
using Google.Protobuf;

namespace CnnGpu.Tests.Hardening;

/// <summary>
/// Named hostile ONNX constructs, loaded from disk as a host app would: each is an
/// <see cref="OnnxImportException"/> naming the tensor or node, before any large allocation.
/// </summary>
public sealed class OnnxHostileTests
{
    private static readonly float[] Weights = [.. Enumerable.Range(0, 2 * 3 * 3 * 3).Select(i => i * 0.01f)];

    [Theory]
    [InlineData(new long[] { 65536, 65536, 3, 3 }, "elements")]        // 38.6 G elements: overflows int
    [InlineData(new long[] { 4096, 4096, 16, 16 }, "elements")]        // 4.3 G elements
    [InlineData(new long[] { 2000, 3, 3, 3 }, "bytes")]                // plausible size, data far shorter than declared
    [InlineData(new long[] { 2, -3, 3, 3 }, "negative")]
    public void Initializer_dimensions_that_do_not_fit_are_rejected_before_allocation(long[] dims, string expected)
    {
        var model = Conv().Build();
        var w = model.Graph.Initializer.Single(t => t.Name == "w");
        w.Dims.Clear();
        w.Dims.Add(dims);
        var e = LoadRejected(model);
        Assert.Contains("'w'", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_cycle_is_rejected_naming_the_node()
    {
        var model = new OnnxModelBuilder()
            .Input("x", -1, 3, 4, 4)
            .Node("Relu", ["b"], ["a"])
            .Node("Add", ["x", "a"], ["b"])
            .Output("b")
            .Build();
        var e = LoadRejected(model);
        Assert.Contains("'b'", e.Message, StringComparison.Ordinal);
        Assert.Contains("relu0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_weight_of_the_wrong_data_type_is_rejected()
    {
        var model = Conv().Build();
        var w = model.Graph.Initializer.Single(t => t.Name == "w");
        w.DataType = (int)TensorProto.Types.DataType.Double;
        var e = LoadRejected(model);
        Assert.Contains("'w'", e.Message, StringComparison.Ordinal);
        Assert.Contains("DOUBLE", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-4L)]
    public void Zero_or_negative_input_dimensions_are_rejected(long dim)
    {
        var model = new OnnxModelBuilder().Input("x", 1, 3, dim, 4).Node("Relu", "x", "y").Output("y").Build();
        var e = LoadRejected(model);
        Assert.Contains("'x'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deeply_nested_messages_are_rejected_without_overflowing_the_stack()
    {
        // 100,000 nested groups of an unknown field appended to a valid model: no recursion may follow them down.
        var valid = new OnnxModelBuilder().Input("x", 1, 3, 4, 4).Node("Relu", "x", "y").Output("y").Bytes();
        var start = new CodedTagBytes(100, 3);
        var end = new CodedTagBytes(100, 4);
        using var bytes = new MemoryStream();
        bytes.Write(valid);
        for (int i = 0; i < 100_000; i++)
        {
            bytes.Write(start.Bytes);
        }

        for (int i = 0; i < 100_000; i++)
        {
            bytes.Write(end.Bytes);
        }

        LoadRejected(bytes.ToArray());
    }

    private static OnnxModelBuilder Conv() =>
        new OnnxModelBuilder()
            .Input("x", -1, 3, 5, 5)
            .Initializer("w", Weights, 2, 3, 3, 3)
            .Node("Conv", ["x", "w"], ["y"])
            .Output("y");

    private static OnnxImportException LoadRejected(ModelProto model) => LoadRejected(model.ToByteArray());

    private static OnnxImportException LoadRejected(byte[] bytes)
    {
        string path = Path.Combine(Path.GetTempPath(), $"cnngpu-hostile-{Guid.NewGuid():N}.onnx");
        try
        {
            File.WriteAllBytes(path, bytes);
            return Assert.Throws<OnnxImportException>(() => OnnxImporter.Load(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>A protobuf tag (field number and wire type) as its varint bytes.</summary>
    private sealed class CodedTagBytes(int field, int wireType)
    {
        public byte[] Bytes { get; } = Encode((uint)((field << 3) | wireType));

        private static byte[] Encode(uint value)
        {
            var bytes = new List<byte>();
            while (value >= 0x80)
            {
                bytes.Add((byte)(value | 0x80));
                value >>= 7;
            }

            bytes.Add((byte)value);
            return [.. bytes];
        }
    }
}

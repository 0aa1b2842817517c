using System.Runtime.InteropServices;
using CnnGpu.Networks.Onnx.Protos;
using CnnGpu.Runtime.Tensors;
using Google.Protobuf;
using AttributeType = CnnGpu.Networks.Onnx.Protos.AttributeProto.Types.AttributeType;
using DataType = CnnGpu.Networks.Onnx.Protos.TensorProto.Types.DataType;

namespace CnnGpu.Tests.Onnx;

/// <summary>Builds small ONNX models through the generated protobuf types (what the importer and ONNX Runtime both read).</summary>
public sealed class OnnxModelBuilder(long opset = 13, long irVersion = 10)
{
    private readonly GraphProto _graph = new() { Name = "test" };
    private int _nodes;

    /// <summary>Store float initializers in float_data instead of raw_data.</summary>
    public bool UseFloatData { get; init; }

    /// <summary>Declares a float input; a negative first dimension becomes the symbolic batch "N".</summary>
    public OnnxModelBuilder Input(string name, params long[] dims)
    {
        _graph.Input.Add(ValueInfo(name, dims));
        return this;
    }

    public OnnxModelBuilder Output(string name)
    {
        _graph.Output.Add(new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)DataType.Float } } });
        return this;
    }

    public OnnxModelBuilder Initializer(string name, Tensor value, bool? floatData = null)
    {
        _graph.Initializer.Add(FloatTensor(name, value, floatData ?? UseFloatData));
        return this;
    }

    public OnnxModelBuilder Initializer(string name, float[] data, params long[] dims) =>
        Initializer(name, new Tensor(new TensorShape([.. dims.Select(d => (int)d)]), data));

    public OnnxModelBuilder Ints(string name, params long[] values)
    {
        var t = new TensorProto { Name = name, DataType = (int)DataType.Int64 };
        t.Dims.Add(values.Length);
        t.Int64Data.Add(values);
        _graph.Initializer.Add(t);
        return this;
    }

    /// <summary>Appends a node named after its first output.</summary>
    public OnnxModelBuilder Node(string op, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = $"{op.ToLowerInvariant()}{_nodes++}" };
        node.Input.Add(inputs);
        node.Output.Add(outputs);
        node.Attribute.Add(attributes);
        _graph.Node.Add(node);
        return this;
    }

    public OnnxModelBuilder Node(string op, string input, string output, params AttributeProto[] attributes) =>
        Node(op, [input], [output], attributes);

    /// <summary>Lists every initializer among the graph inputs too (what IR-version-3 exporters wrote).</summary>
    public OnnxModelBuilder InitializersAsInputs()
    {
        foreach (var t in _graph.Initializer)
        {
            _graph.Input.Add(ValueInfo(t.Name, [.. t.Dims], (DataType)t.DataType));
        }

        return this;
    }

    public GraphProto Graph => _graph;

    public ModelProto Build()
    {
        var model = new ModelProto { IrVersion = irVersion, ProducerName = "CnnGpu.Tests", Graph = _graph.Clone() };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = opset });
        return model;
    }

    public byte[] Bytes() => Build().ToByteArray();

    public static TensorProto FloatTensor(string name, Tensor value, bool floatData = false)
    {
        var t = new TensorProto { Name = name, DataType = (int)DataType.Float };
        t.Dims.Add(value.Shape.Dimensions.Select(d => (long)d));
        if (floatData)
        {
            t.FloatData.Add(value.Data);
        }
        else
        {
            t.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(value.Data.AsSpan()));
        }

        return t;
    }

    public static AttributeProto Attr(string name, long value) => new() { Name = name, Type = AttributeType.Int, I = value };

    public static AttributeProto Attr(string name, float value) => new() { Name = name, Type = AttributeType.Float, F = value };

    public static AttributeProto Attr(string name, string value) => new() { Name = name, Type = AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static AttributeProto Attr(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeType.Ints };
        a.Ints.Add(values);
        return a;
    }

    public static AttributeProto Attr(string name, TensorProto value) => new() { Name = name, Type = AttributeType.Tensor, T = value };

    private static ValueInfoProto ValueInfo(string name, long[] dims, DataType type = DataType.Float)
    {
        var shape = new TensorShapeProto();
        for (int i = 0; i < dims.Length; i++)
        {
            shape.Dim.Add(i == 0 && dims[i] < 0
                ? new TensorShapeProto.Types.Dimension { DimParam = "N" }
                : new TensorShapeProto.Types.Dimension { DimValue = dims[i] });
        }

        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } } };
    }
}

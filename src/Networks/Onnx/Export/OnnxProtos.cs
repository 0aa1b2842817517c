using System.Buffers.Binary;
using CnnGpu.Networks.Onnx.Protos;
using CnnGpu.Runtime.Tensors;
using Google.Protobuf;
using AttributeType = CnnGpu.Networks.Onnx.Protos.AttributeProto.Types.AttributeType;
using DataType = CnnGpu.Networks.Onnx.Protos.TensorProto.Types.DataType;

namespace CnnGpu.Networks.Onnx.Export;

/// <summary>Builds the protobuf pieces of an exported model: attributes, initializers and typed value declarations.</summary>
internal static class OnnxProtos
{
    /// <summary>The symbolic name of the batch dimension in declared inputs and outputs.</summary>
    public const string BatchDimension = "N";

    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) => new() { Name = name, Type = AttributeType.Float, F = value };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeType.Ints };
        attribute.Ints.Add(values);
        return attribute;
    }

    /// <summary>A float initializer with its data in <c>raw_data</c>, little-endian as ONNX requires whatever the host order.</summary>
    public static TensorProto FloatTensor(string name, Tensor value)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)DataType.Float };
        tensor.Dims.Add(value.Shape.Dimensions.Select(d => (long)d));
        var bytes = new byte[value.Data.Length * sizeof(float)];
        for (int i = 0; i < value.Data.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), value.Data[i]);
        }

        // The array is ours and never changes again, so the ByteString may wrap it instead of copying
        // it: a VGG's half-gigabyte of weights is then held once, not twice.
        tensor.RawData = UnsafeByteOperations.UnsafeWrap(bytes);
        return tensor;
    }

    /// <summary>A rank-0 float initializer (Clip bounds, Mul factors: ONNX Runtime wants Clip's bounds as true scalars).</summary>
    public static TensorProto FloatScalar(string name, float value)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)DataType.Float };
        tensor.FloatData.Add(value);
        return tensor;
    }

    /// <summary>A 1-D int64 initializer (Unsqueeze axes, Reshape shapes).</summary>
    public static TensorProto Int64Tensor(string name, long[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.Add(values);
        return tensor;
    }

    /// <summary>A float tensor declaration; dimensions flagged in <paramref name="batched"/> become the symbolic <see cref="BatchDimension"/>.</summary>
    public static ValueInfoProto FloatValue(string name, TensorShape shape, bool[] batched)
    {
        var dims = new TensorShapeProto();
        for (int i = 0; i < shape.Rank; i++)
        {
            dims.Dim.Add(batched[i]
                ? new TensorShapeProto.Types.Dimension { DimParam = BatchDimension }
                : new TensorShapeProto.Types.Dimension { DimValue = shape[i] });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)DataType.Float, Shape = dims } },
        };
    }
}

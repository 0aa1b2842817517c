using CnnGpu.Networks.Onnx.Protos;
using DataType = CnnGpu.Networks.Onnx.Protos.TensorProto.Types.DataType;
using DimensionCase = CnnGpu.Networks.Onnx.Protos.TensorShapeProto.Types.Dimension.ValueOneofCase;

namespace CnnGpu.Networks.Onnx;

/// <summary>Reads an ONNX graph input's item shape: float32, rank ≥ 2, every dimension but the batch fixed.</summary>
internal static class GraphInputs
{
    /// <summary>The dimensions after the batch; the batch (first) dimension may be symbolic, 0 or any number.</summary>
    public static int[] ItemDimensions(ValueInfoProto input)
    {
        var tensor = input.Type?.TensorType
            ?? throw new OnnxImportException($"Graph input '{input.Name}' is not a tensor.");
        if ((DataType)tensor.ElemType != DataType.Float)
        {
            throw new OnnxImportException($"Graph input '{input.Name}' has element type {(DataType)tensor.ElemType}; CnnGpu takes float32 inputs.");
        }

        var dims = tensor.Shape?.Dim
            ?? throw new OnnxImportException($"Graph input '{input.Name}' has no shape; CnnGpu needs every dimension but the batch.");
        if (dims.Count < 2)
        {
            throw new OnnxImportException($"Graph input '{input.Name}' has rank {dims.Count}; CnnGpu needs [N, ...] with at least one dimension after the batch.");
        }

        var item = new int[dims.Count - 1];
        for (int i = 1; i < dims.Count; i++)
        {
            var d = dims[i];
            if (d.ValueCase != DimensionCase.DimValue || d.DimValue < 1 || d.DimValue > int.MaxValue)
            {
                string shown = d.ValueCase == DimensionCase.DimParam ? $"'{d.DimParam}'" : d.DimValue.ToString(System.Globalization.CultureInfo.InvariantCulture);
                throw new OnnxImportException($"Graph input '{input.Name}': dimension {i} is {shown}; only the batch (first) dimension may be dynamic.");
            }

            item[i - 1] = (int)d.DimValue;
        }

        return item;
    }
}

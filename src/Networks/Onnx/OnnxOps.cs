using System.Collections.Frozen;
using CnnGpu.Networks.Onnx.Converters;

namespace CnnGpu.Networks.Onnx;

/// <summary>The one table of ONNX ops (default domain) the importer maps onto CnnGpu ops.</summary>
internal static class OnnxOps
{
    /// <summary>Converter for each supported op type.</summary>
    public static FrozenDictionary<string, Action<ImportContext, OnnxNode>> Converters { get; } =
        new Dictionary<string, Action<ImportContext, OnnxNode>>(StringComparer.Ordinal)
        {
            ["Conv"] = ConvConverter.Conv,
            ["MaxPool"] = PoolConverters.MaxPool,
            ["AveragePool"] = PoolConverters.AveragePool,
            ["GlobalAveragePool"] = PoolConverters.GlobalAveragePool,
            ["BatchNormalization"] = NormalizationConverters.BatchNormalization,
            ["LRN"] = NormalizationConverters.Lrn,
            ["Relu"] = ElementwiseConverters.Relu,
            ["Sigmoid"] = ElementwiseConverters.Sigmoid,
            ["Add"] = ElementwiseConverters.Add,
            ["Sub"] = ElementwiseConverters.Sub,
            ["Mul"] = ElementwiseConverters.Mul,
            ["Gemm"] = LinearConverters.Gemm,
            ["MatMul"] = LinearConverters.MatMul,
            ["Concat"] = TensorConverters.Concat,
            ["Split"] = TensorConverters.Split,
            ["Flatten"] = TensorConverters.Flatten,
            ["Reshape"] = TensorConverters.Reshape,
            ["Unsqueeze"] = TensorConverters.Unsqueeze,
            ["Softmax"] = TensorConverters.Softmax,
            ["Dropout"] = PassThroughConverters.Dropout,
            ["Identity"] = PassThroughConverters.Identity,
            ["Clip"] = ChannelOpConverters.Clip,
            ["Slice"] = ChannelOpConverters.Slice,
            ["Transpose"] = ChannelOpConverters.Transpose,
            ["ReduceMean"] = ChannelOpConverters.ReduceMean,
        }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Every supported op type (Constant and the ops only folded on constants included), sorted, for messages.</summary>
    public static string SupportedList { get; } = string.Join(", ", Converters.Keys.Append("Constant").Union(ConstantFolding.Ops).Order(StringComparer.Ordinal));
}

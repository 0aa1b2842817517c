namespace CnnGpu.Networks.Onnx.Converters;

/// <summary>ONNX <c>Constant</c> (value, value_float(s), value_int(s)) → an import-time constant; no graph node.</summary>
internal static class ConstantConverter
{
    public static OnnxConstant Read(OnnxNode node, string? externalDataDirectory)
    {
        node.AllowOnly("value", "value_float", "value_floats", "value_int", "value_ints");
        string name = node.Output;
        if (node.Tensor("value") is { } tensor)
        {
            return OnnxTensorReader.Read(tensor, name, $"Constant node '{node.Name}'", externalDataDirectory);
        }

        if (node.Has("value_float"))
        {
            return OnnxConstant.OfFloats(name, [], [node.Float("value_float", 0f)]);
        }

        if (node.Floats("value_floats") is { } floats)
        {
            return OnnxConstant.OfFloats(name, [floats.Length], floats);
        }

        if (node.Has("value_int"))
        {
            return OnnxConstant.OfIntegers(name, [], [node.Int("value_int", 0)]);
        }

        return node.Ints("value_ints") is { } ints
            ? OnnxConstant.OfIntegers(name, [ints.Length], ints)
            : throw node.Error("it has no value (value, value_float(s) or value_int(s)).");
    }
}

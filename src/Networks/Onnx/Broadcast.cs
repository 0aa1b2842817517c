namespace CnnGpu.Networks.Onnx;

/// <summary>
/// Classifies how a constant broadcasts against a computed tensor under ONNX (NumPy) rules:
/// per channel (axis 1), or as a whole item (<c>[1, ...]</c>, the batch broadcast away).
/// </summary>
internal static class Broadcast
{
    /// <summary>
    /// The constant's value for each channel when it varies at most along axis 1 of a rank-<paramref name="rank"/>
    /// tensor with <paramref name="channels"/> channels (a scalar counts), else null.
    /// </summary>
    public static float[]? PerChannel(OnnxConstant constant, int rank, int channels)
    {
        if (constant.Floats is not { Length: > 0 } data || constant.Dims.Length > rank)
        {
            return null;
        }

        int offset = rank - constant.Dims.Length;
        bool alongChannels = false;
        for (int axis = 0; axis < constant.Dims.Length; axis++)
        {
            long d = constant.Dims[axis];
            if (d == 1)
            {
                continue;
            }

            if (axis + offset != 1 || d != channels)
            {
                return null;
            }

            alongChannels = true;
        }

        return alongChannels ? [.. data] : [.. Enumerable.Repeat(data[0], channels)];
    }

    /// <summary>Whether the constant has exactly the item shape of <paramref name="shape"/> (leading 1s allowed in place of the batch).</summary>
    public static bool IsWholeItem(OnnxConstant constant, long[] shape)
    {
        long[] dims = constant.Dims;
        if (dims.Length > shape.Length || dims.Length < shape.Length - 1)
        {
            return false;
        }

        int offset = shape.Length - dims.Length;
        for (int axis = 0; axis < dims.Length; axis++)
        {
            int target = axis + offset;
            if (target == 0 ? dims[axis] != 1 : dims[axis] != shape[target])
            {
                return false;
            }
        }

        return true;
    }
}

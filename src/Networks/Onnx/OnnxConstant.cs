using CnnGpu.Runtime.Tensors;

namespace CnnGpu.Networks.Onnx;

/// <summary>
/// A tensor known at import time: an initializer or a <c>Constant</c> node's output. Float data
/// becomes weights; integer data (shapes, split sizes) is read by the importer itself.
/// </summary>
internal sealed class OnnxConstant
{
    private OnnxConstant(string name, long[] dims, float[]? floats, long[]? integers)
    {
        Name = name;
        Dims = dims;
        Floats = floats;
        Integers = integers;
    }

    /// <summary>
    /// An integer element that stands for the batch size, unknown at import time (the first entry of a
    /// <c>Shape</c> of an activation). Folding moves it (Gather, Concat, Unsqueeze, Slice) but never computes
    /// with it; Reshape reads it at position 0 as "keep the batch".
    /// </summary>
    public const long BatchSymbol = long.MinValue;

    /// <summary>An integer element computed from the batch size (the batch times 2, say): usable nowhere.</summary>
    public const long UnknownSymbol = long.MinValue + 1;

    /// <summary>Whether <paramref name="value"/> is <see cref="BatchSymbol"/> or <see cref="UnknownSymbol"/>.</summary>
    public static bool IsSymbol(long value) => value is BatchSymbol or UnknownSymbol;

    /// <summary>The ONNX value name.</summary>
    public string Name { get; }

    /// <summary>Its dimensions (empty for a scalar).</summary>
    public long[] Dims { get; }

    /// <summary>The data of a float tensor, else null.</summary>
    public float[]? Floats { get; }

    /// <summary>The data of an integer tensor, else null.</summary>
    public long[]? Integers { get; }

    /// <summary>Number of elements.</summary>
    public long Count => Floats?.Length ?? Integers!.Length;

    /// <summary>Dimensions as text, e.g. <c>[1, 3, 224, 224]</c>.</summary>
    public string ShapeText => "[" + string.Join(", ", Dims) + "]";

    public static OnnxConstant OfFloats(string name, long[] dims, float[] data) => new(name, dims, data, null);

    public static OnnxConstant OfIntegers(string name, long[] dims, long[] data) => new(name, dims, null, data);

    /// <summary>The data as a tensor of the same shape (scalars become <c>[1]</c>).</summary>
    public Tensor ToTensor()
    {
        int[] dims = Dims.Length == 0 ? [1] : [.. Dims.Select(d => checked((int)d))];
        return new Tensor(new TensorShape(dims), Floats!);
    }
}

namespace CnnGpu.Runtime.Tensors;

/// <summary>A dense float32 tensor in host memory, C order.</summary>
public sealed class Tensor
{
    /// <summary>Wraps <paramref name="data"/> (not copied) as a tensor of <paramref name="shape"/>.</summary>
    /// <param name="shape">The logical shape.</param>
    /// <param name="data">Exactly <c>shape.ElementCount</c> values.</param>
    public Tensor(TensorShape shape, float[] data)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length != shape.ElementCount)
        {
            throw new ArgumentException($"A tensor of shape {shape} needs {shape.ElementCount} values, got {data.Length}.", nameof(data));
        }

        Shape = shape;
        Data = data;
    }

    /// <summary>A zero-filled tensor.</summary>
    /// <param name="shape">The logical shape.</param>
    public Tensor(TensorShape shape)
        : this(shape, new float[shape?.ElementCount ?? throw new ArgumentNullException(nameof(shape))])
    {
    }

    /// <summary>The logical shape.</summary>
    public TensorShape Shape { get; }

    /// <summary>The values, C order.</summary>
#pragma warning disable CA1819 // A tensor is a view over its buffer by design.
    public float[] Data { get; }
#pragma warning restore CA1819

    /// <summary>The values as a span.</summary>
    public Span<float> Span => Data;
}

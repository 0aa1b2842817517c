using System.Collections.Immutable;

namespace CnnGpu.Runtime.Tensors;

/// <summary>An immutable logical tensor shape (NCHW for images, [N, features] for vectors).</summary>
public sealed class TensorShape : IEquatable<TensorShape>
{
    /// <summary>Creates a shape from its dimensions.</summary>
    /// <param name="dimensions">Every dimension, outermost first; each must be positive.</param>
    public TensorShape(params ReadOnlySpan<int> dimensions)
    {
        foreach (int d in dimensions)
        {
            if (d <= 0)
            {
                throw new ArgumentException($"Tensor dimensions must be positive, got [{string.Join(", ", dimensions.ToArray())}].", nameof(dimensions));
            }
        }

        Dimensions = [.. dimensions];
        long count = 1;
        foreach (int d in dimensions)
        {
            count *= d;
        }

        if (count > int.MaxValue)
        {
            throw new ArgumentException($"Tensor {this} has more than {int.MaxValue} elements.", nameof(dimensions));
        }

        ElementCount = (int)count;
    }

    /// <summary>The dimensions, outermost first.</summary>
    public ImmutableArray<int> Dimensions { get; }

    /// <summary>Number of dimensions.</summary>
    public int Rank => Dimensions.Length;

    /// <summary>Product of the dimensions.</summary>
    public int ElementCount { get; }

    /// <summary>Dimension <paramref name="axis"/>.</summary>
    /// <param name="axis">Index of the dimension.</param>
    public int this[int axis] => Dimensions[axis];

    /// <summary>Product of the dimensions from <paramref name="axis"/> on.</summary>
    /// <param name="axis">First dimension of the product.</param>
    public int CountFrom(int axis)
    {
        int count = 1;
        for (int i = axis; i < Rank; i++)
        {
            count *= Dimensions[i];
        }

        return count;
    }

    /// <summary>This shape with dimension 0 replaced by <paramref name="batch"/>.</summary>
    /// <param name="batch">The new leading dimension.</param>
    public TensorShape WithBatch(int batch)
    {
        int[] dims = [.. Dimensions];
        dims[0] = batch;
        return new TensorShape(dims);
    }

    /// <inheritdoc/>
    public bool Equals(TensorShape? other) =>
        other is not null && Dimensions.AsSpan().SequenceEqual(other.Dimensions.AsSpan());

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as TensorShape);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        foreach (int d in Dimensions)
        {
            hash.Add(d);
        }

        return hash.ToHashCode();
    }

    /// <summary>Formats as <c>[1, 3, 224, 224]</c>.</summary>
    public override string ToString() => "[" + string.Join(", ", Dimensions) + "]";
}

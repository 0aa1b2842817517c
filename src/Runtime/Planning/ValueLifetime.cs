namespace CnnGpu.Runtime.Planning;

/// <summary>
/// The span of node indices during which a value's storage must hold it: from the node that
/// writes it to the last node that reads it, both inclusive.
/// </summary>
/// <param name="First">Index of the producing node.</param>
/// <param name="Last">Index of the last consuming node (<paramref name="First"/> when nothing reads it).</param>
public readonly record struct ValueLifetime(int First, int Last)
{
    /// <summary>Whether both values are live during at least one common node.</summary>
    /// <param name="other">Another lifetime.</param>
    public bool Overlaps(ValueLifetime other) => First <= other.Last && other.First <= Last;

    /// <summary>The smallest lifetime covering both.</summary>
    /// <param name="other">Another lifetime.</param>
    public ValueLifetime Union(ValueLifetime other) => new(Math.Min(First, other.First), Math.Max(Last, other.Last));
}

namespace CnnGpu.Runtime.Planning;

/// <summary>Where a planned value lives in the activation arena, in floats.</summary>
/// <param name="Offset">First float of the value; a multiple of the plan's alignment.</param>
/// <param name="Length">The value's element count.</param>
public readonly record struct Slot(long Offset, int Length)
{
    /// <summary>One past the value's last float.</summary>
    public long End => Offset + Length;

    /// <summary>Whether the two slots share at least one float.</summary>
    /// <param name="other">Another slot.</param>
    public bool Intersects(Slot other) => Offset < other.End && other.Offset < End;
}

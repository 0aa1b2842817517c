namespace CnnGpu.Kernels.Simd;

/// <summary>
/// A compile-time integer carried by a struct type: a generic microkernel instantiated with
/// <c>N12</c> has its loop bounds and strides folded to constants by the JIT, so its accumulators
/// stay in registers and unused ones vanish.
/// </summary>
public interface IStaticInt
{
    /// <summary>The value.</summary>
    static abstract int Value { get; }
}

#pragma warning disable SA1402, CA1815 // A family of tiny marker types reads best in one file; they are never compared.

/// <summary>1.</summary>
public readonly struct N1 : IStaticInt
{
    /// <inheritdoc/>
    public static int Value => 1;
}

/// <summary>2.</summary>
public readonly struct N2 : IStaticInt
{
    /// <inheritdoc/>
    public static int Value => 2;
}

/// <summary>3.</summary>
public readonly struct N3 : IStaticInt
{
    /// <inheritdoc/>
    public static int Value => 3;
}

/// <summary>4.</summary>
public readonly struct N4 : IStaticInt
{
    /// <inheritdoc/>
    public static int Value => 4;
}

/// <summary>5.</summary>
public readonly struct N5 : IStaticInt
{
    /// <inheritdoc/>
    public static int Value => 5;
}

/// <summary>6.</summary>
public readonly struct N6 : IStaticInt
{
    /// <inheritdoc/>
    public static int Value => 6;
}

/// <summary>7.</summary>
public readonly struct N7 : IStaticInt
{
    /// <inheritdoc/>
    public static int Value => 7;
}

/// <summary>8.</summary>
public readonly struct N8 : IStaticInt
{
    /// <inheritdoc/>
    public static int Value => 8;
}

/// <summary>9.</summary>
public readonly struct N9 : IStaticInt
{
    /// <inheritdoc/>
    public static int Value => 9;
}

/// <summary>10.</summary>
public readonly struct N10 : IStaticInt
{
    /// <inheritdoc/>
    public static int Value => 10;
}

/// <summary>11.</summary>
public readonly struct N11 : IStaticInt
{
    /// <inheritdoc/>
    public static int Value => 11;
}

/// <summary>12.</summary>
public readonly struct N12 : IStaticInt
{
    /// <inheritdoc/>
    public static int Value => 12;
}

/// <summary>13.</summary>
public readonly struct N13 : IStaticInt
{
    /// <inheritdoc/>
    public static int Value => 13;
}

/// <summary>14.</summary>
public readonly struct N14 : IStaticInt
{
    /// <inheritdoc/>
    public static int Value => 14;
}

/// <summary>16.</summary>
public readonly struct N16 : IStaticInt
{
    /// <inheritdoc/>
    public static int Value => 16;
}

/// <summary>32.</summary>
public readonly struct N32 : IStaticInt
{
    /// <inheritdoc/>
    public static int Value => 32;
}

/// <summary>64.</summary>
public readonly struct N64 : IStaticInt
{
    /// <inheritdoc/>
    public static int Value => 64;
}

#pragma warning restore SA1402, CA1815

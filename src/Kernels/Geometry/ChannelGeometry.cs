namespace CnnGpu.Kernels;

/// <summary>
/// The (outer, channels, inner) factorisation used by per-channel ops: batch norm and channel
/// scale use (N, C, H·W); softmax uses (rows, axis length, trailing elements).
/// </summary>
/// <param name="Outer">Product of the dimensions before the channel axis.</param>
/// <param name="Channels">Length of the channel axis.</param>
/// <param name="Inner">Product of the dimensions after the channel axis.</param>
public readonly record struct ChannelGeometry(int Outer, int Channels, int Inner)
{
    /// <summary>Number of elements.</summary>
    public int Length => Outer * Channels * Inner;

    /// <summary>Channel of flat element <paramref name="index"/>.</summary>
    public int ChannelOf(int index) => index / Inner % Channels;
}

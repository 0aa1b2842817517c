namespace CnnGpu.Runtime.Backends.Reference;

/// <summary>A buffer in host memory, used by the reference backend.</summary>
/// <param name="length">Elements.</param>
public sealed class HostBuffer(int length) : IDeviceBuffer
{
    /// <summary>The values.</summary>
#pragma warning disable CA1819 // The buffer is its array.
    public float[] Data { get; } = new float[length];
#pragma warning restore CA1819

    /// <inheritdoc/>
    public int Length => Data.Length;

    /// <inheritdoc/>
    public void Dispose()
    {
    }
}

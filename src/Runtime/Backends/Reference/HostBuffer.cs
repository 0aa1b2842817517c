namespace CnnGpu.Runtime.Backends.Reference;

/// <summary>Host memory used by the reference backend: an owned array, or a view into another buffer's array.</summary>
public sealed class HostBuffer : IDeviceBuffer
{
    private readonly float[] _array;
    private readonly int _offset;
    private readonly AllocationCounter? _counter;
    private int _disposed;

    internal HostBuffer(int length, AllocationCounter counter)
    {
        _array = new float[length];
        Length = length;
        _counter = counter;
        counter.Allocated(4L * length);
    }

    private HostBuffer(float[] array, int offset, int length)
    {
        _array = array;
        _offset = offset;
        Length = length;
    }

    /// <inheritdoc/>
    public int Length { get; }

    /// <summary>The buffer's values.</summary>
    public Span<float> Span => _array.AsSpan(_offset, Length);

    /// <summary>A view of <paramref name="length"/> elements from <paramref name="offset"/>; it owns nothing.</summary>
    /// <param name="offset">First element.</param>
    /// <param name="length">Elements.</param>
    public HostBuffer Slice(int offset, int length)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan((long)offset + length, Length);
        return new HostBuffer(_array, _offset + offset, length);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _counter?.Released(4L * Length);
        }
    }
}

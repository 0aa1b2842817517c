using CnnGpu.Kernels.Simd;

namespace CnnGpu.Runtime.Backends.Cpu;

/// <summary>Host memory of the SIMD CPU backend: a 64-byte aligned native allocation, or a view into one.</summary>
public sealed unsafe class CpuBuffer : IDeviceBuffer
{
    private readonly AlignedBuffer? _owned;
    private readonly AllocationCounter? _counter;
    private int _disposed;

    internal CpuBuffer(int length, AllocationCounter counter)
    {
        _owned = new AlignedBuffer(length);
        Address = _owned.Address;
        Length = length;
        _counter = counter;
        counter.Allocated(4L * Math.Max(1, length));
    }

    private CpuBuffer(float* address, int length)
    {
        Address = address;
        Length = length;
    }

    /// <inheritdoc/>
    public int Length { get; }

    /// <summary>The first float.</summary>
    public float* Address { get; }

    /// <summary>The buffer as a span.</summary>
    public Span<float> Span => new(Address, Length);

    /// <summary>A view of <paramref name="length"/> floats from <paramref name="offset"/>; it owns nothing.</summary>
    /// <param name="offset">First element.</param>
    /// <param name="length">Elements.</param>
    public CpuBuffer Slice(int offset, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfGreaterThan((long)offset + length, Length);
        return new CpuBuffer(Address + offset, length);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_owned is not null && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _owned.Dispose();
            _counter!.Released(4L * Math.Max(1, Length));
        }
    }
}

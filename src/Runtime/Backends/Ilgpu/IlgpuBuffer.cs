using ILGPU;
using ILGPU.Runtime;

namespace CnnGpu.Runtime.Backends.Ilgpu;

/// <summary>Float32 memory on an ILGPU accelerator: an owned allocation, or a view into one.</summary>
public sealed class IlgpuBuffer : IDeviceBuffer
{
    private readonly MemoryBuffer1D<float, Stride1D.Dense>? _owned;
    private readonly ArrayView<float> _storage;
    private readonly AllocationCounter? _counter;
    private int _disposed;

    internal IlgpuBuffer(Accelerator accelerator, int length, AllocationCounter counter)
    {
        // Zero-sized device allocations are not portable; keep one element in reserve.
        _owned = accelerator.Allocate1D<float>(Math.Max(1, length));
        _storage = _owned.View;
        Length = length;
        _counter = counter;
        counter.Allocated(4L * Math.Max(1, length));
    }

    private IlgpuBuffer(ArrayView<float> storage, int length)
    {
        _storage = storage;
        Length = length;
    }

    /// <inheritdoc/>
    public int Length { get; }

    /// <summary>The buffer as a kernel operand (at least one element long, even when <see cref="Length"/> is 0).</summary>
    public ArrayView<float> View => _storage.SubView(0, Math.Max(1, Length));

    /// <summary>A view of <paramref name="length"/> elements from <paramref name="offset"/>; it owns nothing.</summary>
    /// <param name="offset">First element.</param>
    /// <param name="length">Elements.</param>
    public IlgpuBuffer Slice(int offset, int length)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan((long)offset + length, Math.Max(1, Length));
        return new IlgpuBuffer(_storage.SubView(offset, Math.Max(1, length)), length);
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

using ILGPU;
using ILGPU.Runtime;

namespace CnnGpu.Runtime.Backends.Ilgpu;

/// <summary>A float32 buffer in an ILGPU accelerator's memory.</summary>
public sealed class IlgpuBuffer : IDeviceBuffer
{
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _buffer;

    internal IlgpuBuffer(Accelerator accelerator, int length)
    {
        // Zero-sized device allocations are not portable; keep one element in reserve.
        _buffer = accelerator.Allocate1D<float>(Math.Max(1, length));
        Length = length;
    }

    /// <inheritdoc/>
    public int Length { get; }

    /// <summary>The first <see cref="Length"/> elements as a kernel operand.</summary>
    public ArrayView<float> View => _buffer.View.SubView(0, Math.Max(1, Length));

    /// <inheritdoc/>
    public void Dispose() => _buffer.Dispose();
}

using ILGPU;
using ILGPU.Runtime;

namespace CnnGpu.Runtime.Backends.Ilgpu;

/// <summary>
/// Page-locked host memory for one device buffer: copies between it and the device are queued on the
/// backend's stream (the DMA engine reads and writes it directly, no hidden pinned bounce buffer, no wait),
/// and the host side is a plain memory copy.
/// </summary>
internal sealed class PageLockedStaging : IHostStaging
{
    private readonly AcceleratorStream _stream;
    private readonly IlgpuBuffer _buffer;
    private readonly PageLockedArray1D<float> _host;
    private readonly AllocationCounter _counter;
    private int _queued;

    public PageLockedStaging(Accelerator accelerator, AcceleratorStream stream, IlgpuBuffer buffer, AllocationCounter counter)
    {
        _stream = stream;
        _buffer = buffer;
        _host = accelerator.AllocatePageLocked1D<float>(Math.Max(1, buffer.Length));
        _counter = counter;
        counter.Allocated(4L * _host.Length);
    }

    public void Upload(ReadOnlySpan<float> source)
    {
        if (source.IsEmpty)
        {
            return;
        }

        // Whole-buffer copies (the page-locked copy takes whole arrays): a plan's inputs are sized exactly, and
        // past a shorter source the buffer only receives what the staging memory held, which nothing reads.
        ArgumentOutOfRangeException.ThrowIfGreaterThan(source.Length, _buffer.Length);
        source.CopyTo(_host.Span);
        ArrayView1D<float, Stride1D.Dense> device = _buffer.View;
        device.CopyFromPageLockedAsync(_stream, _host);
    }

    public void QueueDownload(int length)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, _buffer.Length);
        _queued = length;
        if (length > 0)
        {
            ArrayView1D<float, Stride1D.Dense> device = _buffer.View;
            device.CopyToPageLockedAsync(_stream, _host);
        }
    }

    public void CopyTo(Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(destination.Length, _queued);
        _host.Span[..destination.Length].CopyTo(destination);
    }

    public void Dispose()
    {
        _host.Dispose();
        _counter.Released(4L * _host.Length);
    }
}

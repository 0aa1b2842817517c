namespace CnnGpu.Runtime.Backends;

/// <summary>Bytes a backend currently holds in buffers it allocated (views are not counted).</summary>
public sealed class AllocationCounter
{
    private long _bytes;
    private long _buffers;
    private long _allocations;

    /// <summary>Allocations made since the backend opened, released ones included (a steady state adds none).</summary>
    public long TotalAllocations => Interlocked.Read(ref _allocations);

    /// <summary>Bytes currently allocated.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Buffers currently allocated.</summary>
    public long Buffers => Interlocked.Read(ref _buffers);

    internal void Allocated(long bytes)
    {
        Interlocked.Increment(ref _allocations);
        Interlocked.Add(ref _bytes, bytes);
        Interlocked.Increment(ref _buffers);
    }

    internal void Released(long bytes)
    {
        Interlocked.Add(ref _bytes, -bytes);
        Interlocked.Decrement(ref _buffers);
    }
}

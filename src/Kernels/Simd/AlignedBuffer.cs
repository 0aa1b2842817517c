using System.Runtime.InteropServices;

namespace CnnGpu.Kernels.Simd;

/// <summary>
/// Floats in native memory aligned to 64 bytes (a cache line; one AVX-512 vector), outside the GC
/// heap so kernels can use raw pointers without pinning. Zero-filled on allocation. Dispose to free;
/// a buffer that was never disposed is freed by its finalizer.
/// </summary>
public sealed unsafe class AlignedBuffer : IDisposable
{
    private const int Alignment = 64;
    private float* _pointer;
    private readonly bool _mapped;

    /// <summary>Allocates <paramref name="length"/> zeroed floats.</summary>
    /// <param name="length">Elements (0 allowed: a one-float allocation backs it).</param>
    public AlignedBuffer(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        nuint bytes = (nuint)Math.Max(1, length) * sizeof(float);
        if ((long)bytes >= LargeAllocations.Threshold && LargeAllocations.Available)
        {
            // Mapped pages come zeroed and go back to the system when freed (see LargeAllocations).
            _pointer = (float*)LargeAllocations.Map(bytes);
            _mapped = _pointer is not null;
        }

        if (_pointer is null)
        {
            _pointer = (float*)NativeMemory.AlignedAlloc(bytes, Alignment);
            NativeMemory.Clear(_pointer, bytes);
        }

        Length = length;
        GC.AddMemoryPressure((long)bytes);
    }

    /// <summary>Elements.</summary>
    public int Length { get; }

    /// <summary>The first element.</summary>
    /// <exception cref="ObjectDisposedException">The buffer was freed.</exception>
    public float* Address
    {
        get
        {
            ObjectDisposedException.ThrowIf(_pointer is null, this);
            return _pointer;
        }
    }

    /// <summary>The elements as a span.</summary>
    public Span<float> Span => new(Address, Length);

    /// <inheritdoc/>
    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    /// <summary>Frees the memory if the owner forgot to.</summary>
    ~AlignedBuffer() => Free();

    private void Free()
    {
        float* p = _pointer;
        if (p is not null)
        {
            _pointer = null;
            nuint bytes = (nuint)Math.Max(1, Length) * sizeof(float);
            if (_mapped)
            {
                LargeAllocations.Unmap(p, bytes);
            }
            else
            {
                NativeMemory.AlignedFree(p);
            }

            GC.RemoveMemoryPressure((long)bytes);
        }
    }
}

using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using CnnGpu.Kernels.Simd;
using CnnGpu.Runtime.Tensors;

namespace CnnGpu.Runtime.Backends.Cpu;

/// <summary>
/// The fast CPU backend: plain C# SIMD kernels (<c>System.Runtime.Intrinsics</c>) at the widest vector
/// width the CPU runs in hardware — AVX-512, AVX2+FMA, or 128-bit SSE/NEON — on a persistent pool of
/// worker threads sized to the cores. Activations of rank ≥ 3 are kept channel-blocked
/// (<c>NCHW{W}c</c>, W = floats per vector), so every kernel vectorises over channels whatever the
/// image size; weights are packed once per model into the microkernels' panel layout.
/// Open it through <see cref="BackendFactory.Open"/> (<c>cpu</c>, or <c>cpu:256</c> / <c>cpu:128</c> to force a narrower width).
/// </summary>
public abstract unsafe class CpuBackend : IBackend
{
    /// <summary>The name the CLI uses.</summary>
    public const string BackendName = "cpu";

    private protected CpuBackend(SimdWidth width, int threads)
    {
        Width = width;
        Pool = new WorkerPool(threads);
    }

    /// <summary>The vector width the kernels run at.</summary>
    public SimdWidth Width { get; }

    /// <summary>Floats per vector, and channels per block of the blocked layout.</summary>
    public int VectorFloats => SimdCapabilities.Floats(Width);

    /// <summary>Threads that share each layer (the caller's included).</summary>
    public int Threads => Pool.Threads;

    /// <inheritdoc/>
    public string Name => BackendName;

    /// <inheritdoc/>
    public string DeviceName => $"{ProcessorName}, {SimdCapabilities.Describe(Width)}, {Threads} thread{(Threads == 1 ? string.Empty : "s")}";

    /// <inheritdoc/>
    public AllocationCounter Allocations { get; } = new();

    /// <summary>The processor's name as the OS reports it (Linux <c>/proc/cpuinfo</c>), else the architecture.</summary>
    public static string ProcessorName { get; } = ReadProcessorName();

    /// <summary>The layer threads.</summary>
    internal WorkerPool Pool { get; }

    /// <summary>Opens the backend.</summary>
    /// <param name="width">The vector width; null for the widest this CPU runs in hardware.</param>
    /// <param name="threads">Worker threads (null: one per core).</param>
    /// <exception cref="DeviceException">The width is not supported here, or the thread count is not positive.</exception>
    public static CpuBackend Open(SimdWidth? width = null, int? threads = null)
    {
        var chosen = width ?? SimdCapabilities.Widest
            ?? throw new DeviceException("The cpu backend needs SIMD: this CPU runs no vector width in hardware (use 'reference').");
        if (!SimdCapabilities.IsAccelerated(chosen))
        {
            throw new DeviceException($"The cpu backend cannot run {(int)chosen}-bit vectors on this CPU (widest here: {(SimdCapabilities.Widest is { } w ? $"{(int)w}-bit" : "none")}).");
        }

        int count = threads ?? Environment.ProcessorCount;
        if (count < 1)
        {
            throw new DeviceException($"The cpu backend needs at least one thread; got {count}.");
        }

        return chosen switch
        {
            SimdWidth.V512 => new CpuBackend<Simd512, Vector512<float>>(chosen, count),
            SimdWidth.V256 => new CpuBackend<Simd256, Vector256<float>>(chosen, count),
            _ => new CpuBackend<Simd128, Vector128<float>>(chosen, count),
        };
    }

    /// <inheritdoc/>
    public abstract bool Supports(KernelRequest request, [NotNullWhen(false)] out string? reason);

    /// <inheritdoc/>
    public abstract IPreparedKernel Prepare(KernelRequest request, IConstantStore constants);

    /// <inheritdoc/>
    public abstract IPreparedKernel PrepareConversion(TensorShape shape, TensorLayout source, TensorLayout target);

    /// <inheritdoc/>
    public IDeviceBuffer Allocate(int length)
    {
        ThrowIfDisposed();
        try
        {
            return new CpuBuffer(length, Allocations);
        }
        catch (OutOfMemoryException e)
        {
            throw new DeviceException($"Allocating {length} floats ({4L * length / (1024.0 * 1024):F1} MB) of host memory failed.", e);
        }
    }

    /// <inheritdoc/>
    public IDeviceBuffer Slice(IDeviceBuffer buffer, int offset, int length) => Cast(buffer).Slice(offset, length);

    /// <inheritdoc/>
    public void Upload(ReadOnlySpan<float> source, IDeviceBuffer destination)
    {
        ThrowIfDisposed();
        var buffer = Cast(destination);
        if (source.Length > buffer.Length)
        {
            throw new ArgumentException($"Cannot copy {source.Length} floats into a buffer of {buffer.Length}.", nameof(source));
        }

        source.CopyTo(buffer.Span);
    }

    /// <inheritdoc/>
    public void Download(IDeviceBuffer source, Span<float> destination)
    {
        ThrowIfDisposed();
        var buffer = Cast(source);
        if (destination.Length > buffer.Length)
        {
            throw new ArgumentException($"Cannot copy {destination.Length} floats out of a buffer of {buffer.Length}.", nameof(destination));
        }

        buffer.Span[..destination.Length].CopyTo(destination);
    }

    /// <inheritdoc/>
    public void Synchronize()
    {
        // Every launch has finished when it returns.
        ThrowIfDisposed();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (IsDisposed)
        {
            return;
        }

        IsDisposed = true;
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Whether <see cref="Dispose()"/> was called (preparing, allocating and copying then throw <see cref="ObjectDisposedException"/>).</summary>
    protected bool IsDisposed { get; private set; }

    /// <summary>Throws <see cref="ObjectDisposedException"/> once the backend is disposed.</summary>
    protected void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(IsDisposed, this);

    /// <summary>Stops the worker threads.</summary>
    /// <param name="disposing">True when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Pool.Dispose();
        }
    }

    private CpuBuffer Cast(IDeviceBuffer buffer) =>
        buffer as CpuBuffer ?? throw new ArgumentException($"A {buffer?.GetType().Name} does not belong to backend '{Name}'.", nameof(buffer));

    private static string ReadProcessorName()
    {
        try
        {
            if (OperatingSystem.IsLinux() && File.Exists("/proc/cpuinfo"))
            {
                string? line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
                if (line is not null && line.IndexOf(':', StringComparison.Ordinal) is int colon and > 0)
                {
                    return line[(colon + 1)..].Trim();
                }
            }
        }
        catch (IOException)
        {
            // Fall through to the architecture.
        }
        catch (UnauthorizedAccessException)
        {
            // Fall through to the architecture.
        }

        return $"{RuntimeInformation.ProcessArchitecture} CPU";
    }
}

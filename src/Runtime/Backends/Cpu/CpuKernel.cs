using System.Collections.Immutable;

namespace CnnGpu.Runtime.Backends.Cpu;

/// <summary>
/// Base of the CPU backend's prepared kernels: the algorithm name, the layouts chosen at prepare time,
/// and pointer access to the run's buffers. Subclasses own what they precomputed.
/// </summary>
internal abstract unsafe class CpuKernel : IPreparedKernel
{
    private readonly ImmutableArray<TensorLayout> _inputLayouts;

    private readonly IDisposable[] _owned;

    protected CpuKernel(string algorithm, TensorLayout outputLayout, ImmutableArray<TensorLayout> inputLayouts, bool supportsInPlace, IDisposable[] owned)
    {
        _owned = owned;
        Algorithm = algorithm;
        OutputLayout = outputLayout;
        _inputLayouts = inputLayouts;
        SupportsInPlace = supportsInPlace;
    }

    public string Algorithm { get; }

    public TensorLayout OutputLayout { get; }

    public bool SupportsInPlace { get; }

    public TensorLayout InputLayout(int index) => index < _inputLayouts.Length ? _inputLayouts[index] : TensorLayout.Nchw;

    public abstract void Run(ReadOnlySpan<IDeviceBuffer?> inputs, IDeviceBuffer output);

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes what the kernel precomputed and owns.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var o in _owned)
            {
                o.Dispose();
            }
        }
    }

    /// <summary>The address of a CPU buffer (the one place buffers of the run become pointers).</summary>
    public static float* Address(IDeviceBuffer? buffer) =>
        buffer is CpuBuffer cpu ? cpu.Address : throw new CnnGpuException($"A {buffer?.GetType().Name ?? "missing"} buffer reached the CPU backend.");
}

/// <summary>A CPU kernel whose run is a delegate over the run's buffers (the simple ops).</summary>
internal sealed class DelegateCpuKernel(string algorithm, TensorLayout outputLayout, ImmutableArray<TensorLayout> inputLayouts, bool supportsInPlace, KernelLaunch launch, params IDisposable[] owned)
    : CpuKernel(algorithm, outputLayout, inputLayouts, supportsInPlace, owned)
{
    public override void Run(ReadOnlySpan<IDeviceBuffer?> inputs, IDeviceBuffer output) => launch(inputs, output);
}

/// <summary>A CPU convolution: its output can be a channel slice of a concatenation's output (unless it adds a residual laid out like its own output).</summary>
internal sealed class CpuConvolutionKernel(string algorithm, TensorLayout outputLayout, ImmutableArray<TensorLayout> inputLayouts, Kernels.Simd.IStridedOutput convolution, bool residual, KernelLaunch launch, params IDisposable[] owned)
    : CpuKernel(algorithm, outputLayout, inputLayouts, false, owned), IStridedOutputKernel
{
    public bool CanUseOutputImageStride(int imageStride) => !residual && imageStride >= convolution.OutputImageStride;

    public void UseOutputImageStride(int imageStride)
    {
        if (!CanUseOutputImageStride(imageStride))
        {
            throw new InvalidOperationException($"{Algorithm} cannot write images {imageStride} floats apart.");
        }

        convolution.OutputImageStride = imageStride;
    }

    public override void Run(ReadOnlySpan<IDeviceBuffer?> inputs, IDeviceBuffer output) => launch(inputs, output);
}

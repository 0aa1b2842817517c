using System.Collections.Immutable;

namespace CnnGpu.Runtime.Backends.Cpu;

/// <summary>
/// Base of the CPU backend's prepared kernels: the algorithm name, the layouts chosen at prepare time,
/// and pointer access to the run's buffers. Subclasses own what they precomputed.
/// </summary>
internal abstract unsafe class CpuKernel : IPreparedKernel
{
    private readonly ImmutableArray<TensorLayout> _inputLayouts;

    protected CpuKernel(string algorithm, TensorLayout outputLayout, ImmutableArray<TensorLayout> inputLayouts, bool supportsInPlace = false)
    {
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

    protected virtual void Dispose(bool disposing)
    {
    }

    /// <summary>The address of a CPU buffer.</summary>
    protected static float* Address(IDeviceBuffer? buffer) =>
        buffer is CpuBuffer cpu ? cpu.Address : throw new CnnGpuException($"A {buffer?.GetType().Name ?? "missing"} buffer reached the CPU backend.");
}

/// <summary>A CPU kernel whose run is a delegate over the run's buffers (the simple ops).</summary>
internal sealed class DelegateCpuKernel(string algorithm, TensorLayout outputLayout, ImmutableArray<TensorLayout> inputLayouts, bool supportsInPlace, KernelLaunch launch, params IDisposable[] owned)
    : CpuKernel(algorithm, outputLayout, inputLayouts, supportsInPlace)
{
    public override void Run(ReadOnlySpan<IDeviceBuffer?> inputs, IDeviceBuffer output) => launch(inputs, output);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var o in owned)
            {
                o.Dispose();
            }
        }

        base.Dispose(disposing);
    }
}

/// <summary>A CPU convolution: its output can be a channel slice of a concatenation's output (unless it adds a residual laid out like its own output).</summary>
internal sealed class CpuConvolutionKernel(string algorithm, TensorLayout outputLayout, ImmutableArray<TensorLayout> inputLayouts, Kernels.Simd.IStridedOutput convolution, bool residual, KernelLaunch launch, params IDisposable[] owned)
    : CpuKernel(algorithm, outputLayout, inputLayouts), IStridedOutputKernel
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

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var o in owned)
            {
                o.Dispose();
            }
        }

        base.Dispose(disposing);
    }
}

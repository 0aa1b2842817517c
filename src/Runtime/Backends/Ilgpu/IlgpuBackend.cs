using CnnGpu.Kernels;
using CnnGpu.Kernels.Ilgpu;
using ILGPU;
using ILGPU.Runtime;

namespace CnnGpu.Runtime.Backends.Ilgpu;

/// <summary>
/// Runs the ILGPU kernels on one accelerator (CUDA, OpenCL or the CPU simulator). Owns the ILGPU
/// context, the accelerator and the compiled kernels; dispose it to release them.
/// Open one through <see cref="BackendFactory.Open"/>.
/// </summary>
public sealed class IlgpuBackend : KernelBackend<IlgpuBuffer>
{
    private const string DirectConv = "conv/direct";
    private const string ThinGemm = "gemm/thin";

    private readonly Context _context;
    private readonly Accelerator _accelerator;
    private readonly IlgpuKernelSet _kernels;

    internal IlgpuBackend(Context context, Accelerator accelerator, DeviceInfo device)
    {
        _context = context;
        _accelerator = accelerator;
        Device = device;
        try
        {
            _kernels = new IlgpuKernelSet(accelerator);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            accelerator.Dispose();
            context.Dispose();
            throw new DeviceException($"Compiling the kernels for {device.Id} ({device.Name}) failed: {e.Message}", e);
        }
    }

    /// <summary>The device this backend runs on.</summary>
    public DeviceInfo Device { get; }

    /// <inheritdoc/>
    public override string Name => Device.Kind switch
    {
        DeviceKind.Cuda => "cuda",
        DeviceKind.OpenCL => "opencl",
        _ => "ilgpu-cpu",
    };

    /// <inheritdoc/>
    public override string DeviceName => $"{Device.Id}: {Device.Name}";

    /// <inheritdoc/>
    protected override IlgpuBuffer AllocateCore(int length) => new(_accelerator, length, Allocations);

    /// <inheritdoc/>
    protected override void UploadCore(ReadOnlySpan<float> source, IlgpuBuffer destination)
    {
        if (source.IsEmpty)
        {
            return;
        }

        destination.View.SubView(0, source.Length).CopyFromCPU(source);
    }

    /// <inheritdoc/>
    protected override void DownloadCore(IlgpuBuffer source, Span<float> destination)
    {
        _accelerator.Synchronize();
        if (destination.IsEmpty)
        {
            return;
        }

        source.View.SubView(0, destination.Length).CopyToCPU(destination);
    }

    /// <inheritdoc/>
    protected override IlgpuBuffer Slice(IlgpuBuffer buffer, int offset, int length) => buffer.Slice(offset, length);

    /// <inheritdoc/>
    protected override void SynchronizeCore() => _accelerator.Synchronize();

    /// <summary>
    /// Anything ILGPU throws (a launch, copy, allocation or wait its runtime refused: CUDA and OpenCL errors,
    /// compiler failures, views out of range) is a device failure: the caller gets a DeviceException naming
    /// the device, the node or copy, and ILGPU's message, not ILGPU's own exception types.
    /// </summary>
    /// <param name="e">The exception.</param>
    protected override bool IsDeviceFailure(Exception e) =>
        e is not (OperationCanceledException or CnnGpuException)
        && (e is AcceleratorException or InternalCompilerException || e.TargetSite?.Module.Assembly == typeof(Accelerator).Assembly);

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _accelerator.Dispose();
            _context.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <inheritdoc/>
    protected override IReadOnlyList<string> ConvAlgorithm(in ConvGeometry g)
    {
        if (!g.IsPointwise)
        {
            return [DirectConv];
        }

        // A pointwise convolution is W·X per image and group: the GEMM kernels, thin or tiled by its shape.
        var gemm = GemmAlgorithm(GemmGeometry.ForPointwiseConv(g));
        return [.. gemm.Select(a => "conv/gemm-" + a["gemm/".Length..]), DirectConv];
    }

    /// <inheritdoc/>
    protected override IReadOnlyList<string> GemmAlgorithm(in GemmGeometry g)
    {
        string tiled = $"gemm/tiled {_kernels.GemmBlock}x{_kernels.GemmBlock}";
        return IlgpuKernelSet.IsThin(g) ? [ThinGemm, tiled] : [tiled, ThinGemm];
    }

    /// <inheritdoc/>
    protected override void Conv2d(string algorithm, IlgpuBuffer x, IlgpuBuffer w, IlgpuBuffer? bias, IlgpuBuffer y, in ConvGeometry g)
    {
        var biasView = bias?.View ?? ArrayView<float>.Empty;
        if (algorithm == DirectConv)
        {
            _kernels.ConvDirect(x.View, w.View, biasView, y.View, g);
        }
        else
        {
            Gemm("gemm/" + algorithm["conv/gemm-".Length..], w, x, bias, y, GemmGeometry.ForPointwiseConv(g));
        }
    }

    /// <inheritdoc/>
    protected override void Gemm(string algorithm, IlgpuBuffer a, IlgpuBuffer b, IlgpuBuffer? bias, IlgpuBuffer c, in GemmGeometry g)
    {
        var biasView = bias?.View ?? ArrayView<float>.Empty;
        if (algorithm == ThinGemm)
        {
            _kernels.GemmThin(a.View, b.View, biasView, c.View, g);
        }
        else
        {
            _kernels.GemmTiled(a.View, b.View, biasView, c.View, g);
        }
    }

    /// <inheritdoc/>
    protected override void MaxPool(IlgpuBuffer x, IlgpuBuffer y, in PoolGeometry g) => _kernels.MaxPool(x.View, y.View, g);

    /// <inheritdoc/>
    protected override void AvgPool(IlgpuBuffer x, IlgpuBuffer y, in PoolGeometry g) => _kernels.AvgPool(x.View, y.View, g);

    /// <inheritdoc/>
    protected override void GlobalAvgPool(IlgpuBuffer x, IlgpuBuffer y, int planes, int spatial) =>
        _kernels.GlobalAvgPool(x.View, y.View, planes, spatial);

    /// <inheritdoc/>
    protected override void Lrn(IlgpuBuffer x, IlgpuBuffer y, in LrnGeometry g) => _kernels.Lrn(x.View, y.View, g);

    /// <inheritdoc/>
    protected override void BatchNorm(IlgpuBuffer x, IlgpuBuffer scale, IlgpuBuffer bias, IlgpuBuffer mean, IlgpuBuffer variance, IlgpuBuffer y, in ChannelGeometry g, float epsilon) =>
        _kernels.BatchNorm(x.View, scale.View, bias.View, mean.View, variance.View, y.View, g, epsilon);

    /// <inheritdoc/>
    protected override void Relu(IlgpuBuffer x, IlgpuBuffer y, int length) => _kernels.Relu(x.View, y.View, length);

    /// <inheritdoc/>
    protected override void Sigmoid(IlgpuBuffer x, IlgpuBuffer y, int length) => _kernels.Sigmoid(x.View, y.View, length);

    /// <inheritdoc/>
    protected override void Softmax(IlgpuBuffer x, IlgpuBuffer y, in ChannelGeometry g) => _kernels.Softmax(x.View, y.View, g);

    /// <inheritdoc/>
    protected override void ChannelScale(IlgpuBuffer x, IlgpuBuffer scale, IlgpuBuffer y, in ChannelGeometry g) =>
        _kernels.ChannelScale(x.View, scale.View, y.View, g);

    /// <inheritdoc/>
    protected override void Add(IlgpuBuffer a, IlgpuBuffer b, IlgpuBuffer y, int length, int bLength, bool fuseRelu) =>
        _kernels.Add(a.View, b.View, y.View, length, fuseRelu, bLength);

    /// <inheritdoc/>
    protected override void ConcatInto(IlgpuBuffer x, IlgpuBuffer y, in ConcatSlice slice) => _kernels.ConcatInto(x.View, y.View, slice);

    /// <inheritdoc/>
    protected override void Copy(IlgpuBuffer x, IlgpuBuffer y, int length) => _kernels.Copy(x.View, y.View, length);

    /// <inheritdoc/>
    protected override void Clip(IlgpuBuffer x, IlgpuBuffer y, int length, float min, float max) => _kernels.Clip(x.View, y.View, length, min, max);

    /// <inheritdoc/>
    protected override void Scale(IlgpuBuffer x, IlgpuBuffer y, int length, float factor) => _kernels.Scale(x.View, y.View, length, factor);

    /// <inheritdoc/>
    protected override void ChannelGather(IlgpuBuffer x, IlgpuBuffer y, in ChannelGather g) => _kernels.ChannelGather(x.View, y.View, g);
}

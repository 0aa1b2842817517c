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
    private readonly AcceleratorStream _stream;
    private readonly IlgpuKernelSet _kernels;

    // Algorithm name → group side of the tiled kernels, one entry per tile size this device runs.
    private readonly Dictionary<string, int> _tileSides = [];
    private long _synchronizations;

    internal IlgpuBackend(Context context, Accelerator accelerator, DeviceInfo device)
    {
        _context = context;
        _accelerator = accelerator;
        Device = device;
        try
        {
            // One stream for everything this backend queues: launches and copies run in order without host waits.
            _stream = accelerator.CreateStream();
            _kernels = new IlgpuKernelSet(accelerator, _stream);
            foreach (int t in _kernels.TileSides)
            {
                string tile = $"{8 * t}x{8 * t}";
                _tileSides[$"conv/igemm {tile}"] = t;
                _tileSides[$"conv/gemm-1x1 {tile}"] = t;
                _tileSides[$"gemm/tiled {tile}"] = t;
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _stream?.Dispose();
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

    /// <summary>How many times the host has waited for this backend's stream (one per run on the plan's path).</summary>
    public long Synchronizations => Interlocked.Read(ref _synchronizations);

    /// <summary>The tiled kernels' group sides on this device (a T×T group computes an 8T×8T tile of the product).</summary>
    public IReadOnlyList<int> TileSides => _kernels.TileSides;

    /// <inheritdoc/>
    protected override IlgpuBuffer AllocateCore(int length) => new(_accelerator, length, Allocations);

    /// <inheritdoc/>
    protected override void UploadCore(ReadOnlySpan<float> source, IlgpuBuffer destination)
    {
        if (source.IsEmpty)
        {
            return;
        }

        destination.View.SubView(0, source.Length).CopyFromCPU(_stream, source);
    }

    /// <inheritdoc/>
    protected override void DownloadCore(IlgpuBuffer source, Span<float> destination)
    {
        SynchronizeCore();
        if (destination.IsEmpty)
        {
            return;
        }

        source.View.SubView(0, destination.Length).CopyToCPU(_stream, destination);
    }

    /// <inheritdoc/>
    protected override IHostStaging CreateStagingCore(IlgpuBuffer buffer) => new PageLockedStaging(_accelerator, _stream, buffer, Allocations);

    /// <inheritdoc/>
    protected override IlgpuBuffer Slice(IlgpuBuffer buffer, int offset, int length) => buffer.Slice(offset, length);

    /// <inheritdoc/>
    protected override void SynchronizeCore()
    {
        Interlocked.Increment(ref _synchronizations);
        _stream.Synchronize();
    }

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
            _kernels.Dispose();
            _stream.Dispose();
            _accelerator.Dispose();
            _context.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>
    /// Per node, from its shape and the device: depthwise convolutions and groups of fewer than 8 output channels
    /// take the direct kernel; every other convolution the implicit GEMM (pointwise ones with the plain 1×1
    /// operand), with the tile size <see cref="IlgpuKernelSet.ChooseTileSide"/> picks for the product's extent
    /// (the batch is part of N, so the choice can differ between batch sizes). On the CPU simulator the direct
    /// kernel comes first.
    /// </summary>
    /// <param name="g">The geometry.</param>
    /// <param name="constantFilters">Whether the filters can be prepacked.</param>
    protected override IReadOnlyList<string> ConvAlgorithm(in ConvGeometry g, bool constantFilters)
    {
        if (!constantFilters || !_kernels.SuitsImplicitGemm(g))
        {
            return [DirectConv];
        }

        string family = g.IsPointwise ? "conv/gemm-1x1" : "conv/igemm";
        int chosen = _kernels.ChooseTileSide(ImplicitGemmConv.M(g), ImplicitGemmConv.N(g), g.Groups);

        // The CPU simulator pays an OS-level barrier per K slice of a tile (4 values of k in its 16-thread
        // groups), which makes the tiles far slower there than one thread per output (the zoo's end-to-end
        // tests ran over 20 minutes instead of a few); it prefers the direct kernel, the tiles stay forceable.
        return _accelerator.AcceleratorType == AcceleratorType.CPU
            ? [DirectConv, .. TileNames(family, chosen)]
            : [.. TileNames(family, chosen), DirectConv];
    }

    /// <inheritdoc/>
    protected override IReadOnlyList<string> GemmAlgorithm(in GemmGeometry g)
    {
        if (_kernels.TileSides.Count == 0)
        {
            return [ThinGemm];
        }

        var tiled = TileNames("gemm/tiled", _kernels.ChooseTileSide(g.M, g.N, g.BatchCount * g.GroupCount));
        return IlgpuKernelSet.IsThin(g) ? [ThinGemm, .. tiled] : [.. tiled, ThinGemm];
    }

    /// <inheritdoc/>
    protected override IDisposable? BindConv(string algorithm, KernelRequest request, in ConvGeometry g, IConstantStore constants)
    {
        if (algorithm == DirectConv)
        {
            return null;
        }

        // The packed filters depend only on the weights: one copy shared by every plan (batch size) of the graph.
        var weights = request.Inputs[1];
        var geometry = g;
        var packed = constants.GetOrAdd($"ilgpu/igemm-filters/{weights.ValueId}", () =>
        {
            var buffer = AllocateCore(weights.Shape.ElementCount);
            UploadCore(ImplicitGemmConv.PackWeights(weights.Constant!.Data, geometry), buffer);
            return buffer;
        });
        int[] table = g.IsPointwise ? [0] : ImplicitGemmConv.Im2ColTable(g);
        return new TiledConv(packed, _accelerator.Allocate1D(table), _tileSides[algorithm]);
    }

    /// <inheritdoc/>
    protected override bool FusesResidual(string algorithm) => algorithm != DirectConv;

    /// <inheritdoc/>
    protected override void Conv2d(string algorithm, IlgpuBuffer x, IlgpuBuffer w, IlgpuBuffer? bias, IlgpuBuffer? residual, IlgpuBuffer y, in ConvGeometry g, IDisposable? bound)
    {
        var biasView = bias?.View ?? ArrayView<float>.Empty;
        if (bound is TiledConv tiled)
        {
            _kernels.ConvImplicitGemm(x.View, tiled.Filters.View, tiled.Table.View, biasView, residual?.View, y.View, g, tiled.TileSide);
        }
        else
        {
            _kernels.ConvDirect(x.View, w.View, biasView, y.View, g);
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
            _kernels.GemmTiled(a.View, b.View, biasView, c.View, g, _tileSides[algorithm]);
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

    /// <summary>The candidates of a tiled family: the chosen tile size first, then the others.</summary>
    private IEnumerable<string> TileNames(string family, int chosen) =>
        _kernels.TileSides.OrderBy(t => t == chosen ? 0 : 1).Select(t => $"{family} {8 * t}x{8 * t}");

    /// <summary>What an implicit-GEMM convolution node binds at prepare time; the packed filters belong to the constant store.</summary>
    private sealed class TiledConv(IlgpuBuffer filters, MemoryBuffer1D<int, Stride1D.Dense> table, int tileSide) : IDisposable
    {
        public IlgpuBuffer Filters { get; } = filters;

        public MemoryBuffer1D<int, Stride1D.Dense> Table { get; } = table;

        public int TileSide { get; } = tileSide;

        public void Dispose() => Table.Dispose();
    }
}

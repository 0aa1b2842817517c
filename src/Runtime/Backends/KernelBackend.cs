using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using CnnGpu.Kernels;
using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Tensors;

namespace CnnGpu.Runtime.Backends;

/// <summary>
/// Base of the backends whose kernels read and write NCHW buffers through a fixed set of primitives
/// (the scalar reference and the ILGPU accelerators). The one op table maps every <see cref="OpKind"/>
/// to a preparation that turns the node's attributes and shapes into kernel geometry and binds its
/// constant operands once; <see cref="Supports"/> reads the same table, so the two never drift apart.
/// </summary>
/// <typeparam name="TBuffer">The backend's buffer type.</typeparam>
public abstract class KernelBackend<TBuffer> : IBackend
    where TBuffer : class, IDeviceBuffer
{
    private delegate PreparedLaunch Preparation(KernelBackend<TBuffer> backend, KernelRequest request, Operands operands);

    private static readonly FrozenDictionary<OpKind, Preparation> OpTable = new Dictionary<OpKind, Preparation>
    {
        [OpKind.Conv2d] = (b, r, o) =>
        {
            var g = KernelGeometry.Conv(r);
            string algorithm = b.Choose(r, b.ConvAlgorithm(g, r.Inputs[1].IsConstant));
            var bound = b.BindConv(algorithm, r, g, o.Store);
            IDisposable[] owned = bound is null ? [] : [bound];
            if (r.Attributes is not Conv2dAttrs { Residual: true })
            {
                return new PreparedLaunch(algorithm, (x, y) => b.Conv2d(algorithm, o.In(x, 0), o.In(x, 1), g.HasBias ? o.In(x, 2) : null, null, Cast(y), g, bound), false, owned);
            }

            int residual = r.Inputs.Length - 1, length = r.OutputShape.ElementCount;
            if (b.FusesResidual(algorithm))
            {
                // The skip connection is summed in the convolution's own epilogue, before the activation.
                return new PreparedLaunch(algorithm + "+residual", (x, y) => b.Conv2d(algorithm, o.In(x, 0), o.In(x, 1), g.HasBias ? o.In(x, 2) : null, o.In(x, residual), Cast(y), g, bound), false, owned);
            }

            // Otherwise the convolution, then the residual sum with the activation.
            var plain = g with { FuseRelu = false };
            return new PreparedLaunch(algorithm + "+residual", (x, y) =>
            {
                b.Conv2d(algorithm, o.In(x, 0), o.In(x, 1), g.HasBias ? o.In(x, 2) : null, null, Cast(y), plain, bound);
                b.Add(Cast(y), o.In(x, residual), Cast(y), length, length, g.FuseRelu);
            }, false, owned);
        },
        [OpKind.FullyConnected] = (b, r, o) =>
        {
            var g = KernelGeometry.FullyConnected(r);
            string algorithm = b.Choose(r, b.GemmAlgorithm(g));
            return new PreparedLaunch(algorithm, (x, y) => b.Gemm(algorithm, o.In(x, 0), o.In(x, 1), g.HasBias ? o.In(x, 2) : null, Cast(y), g));
        },
        [OpKind.MaxPool] = (b, r, o) =>
        {
            var g = KernelGeometry.Pool(r, ((MaxPoolAttrs)r.Attributes).Window, false);
            return b.Simple(r, "pool/max", (x, y) => b.MaxPool(o.In(x, 0), Cast(y), g));
        },
        [OpKind.AvgPool] = (b, r, o) =>
        {
            var a = (AvgPoolAttrs)r.Attributes;
            var g = KernelGeometry.Pool(r, a.Window, a.CountIncludePad);
            return b.Simple(r, "pool/avg", (x, y) => b.AvgPool(o.In(x, 0), Cast(y), g));
        },
        [OpKind.GlobalAvgPool] = (b, r, o) =>
        {
            var s = r.InputShape(0);
            int planes = s[0] * s[1], spatial = s.CountFrom(2);
            return b.Simple(r, "pool/global-avg", (x, y) => b.GlobalAvgPool(o.In(x, 0), Cast(y), planes, spatial));
        },
        [OpKind.Lrn] = (b, r, o) =>
        {
            var g = KernelGeometry.Lrn(r);
            return b.Simple(r, "lrn", (x, y) => b.Lrn(o.In(x, 0), Cast(y), g));
        },
        [OpKind.BatchNorm] = (b, r, o) =>
        {
            var g = KernelGeometry.Channels(r);
            float epsilon = ((BatchNormAttrs)r.Attributes).Epsilon;
            return b.Simple(r, "batchnorm", (x, y) => b.BatchNorm(o.In(x, 0), o.In(x, 1), o.In(x, 2), o.In(x, 3), o.In(x, 4), Cast(y), g, epsilon), inPlace: true);
        },
        [OpKind.Relu] = (b, r, o) =>
        {
            int length = r.OutputShape.ElementCount;
            return b.Simple(r, "relu", (x, y) => b.Relu(o.In(x, 0), Cast(y), length), inPlace: true);
        },
        [OpKind.Sigmoid] = (b, r, o) =>
        {
            int length = r.OutputShape.ElementCount;
            return b.Simple(r, "sigmoid", (x, y) => b.Sigmoid(o.In(x, 0), Cast(y), length), inPlace: true);
        },
        [OpKind.Softmax] = (b, r, o) =>
        {
            var g = KernelGeometry.Channels(r);
            return b.Simple(r, "softmax", (x, y) => b.Softmax(o.In(x, 0), Cast(y), g), inPlace: true);
        },
        [OpKind.ChannelScale] = (b, r, o) =>
        {
            var g = KernelGeometry.Channels(r);
            return b.Simple(r, "channel-scale", (x, y) => b.ChannelScale(o.In(x, 0), o.In(x, 1), Cast(y), g), inPlace: true);
        },
        [OpKind.Add] = (b, r, o) =>
        {
            int length = r.OutputShape.ElementCount, bLength = r.InputShape(1).ElementCount;
            bool relu = r.Attributes is AddAttrs { Activation: FusedActivation.Relu };
            return b.Simple(r, relu ? "add+relu" : "add", (x, y) => b.Add(o.In(x, 0), o.In(x, 1), Cast(y), length, bLength, relu), inPlace: true);
        },
        [OpKind.Concat] = (b, r, o) =>
        {
            var slices = new ConcatSlice[r.Inputs.Length];
            for (int i = 0, offset = 0; i < slices.Length; offset += r.InputShape(i)[1], i++)
            {
                slices[i] = KernelGeometry.ConcatSlice(r, i, offset);
            }

            return b.Simple(r, "concat", (x, y) =>
            {
                for (int i = 0; i < slices.Length; i++)
                {
                    b.ConcatInto(o.In(x, i), Cast(y), slices[i]);
                }
            });
        },
        [OpKind.Clip] = (b, r, o) =>
        {
            int length = r.OutputShape.ElementCount;
            var a = (ClipAttrs)r.Attributes;
            return b.Simple(r, "clip", (x, y) => b.Clip(o.In(x, 0), Cast(y), length, a.Min, a.Max), inPlace: true);
        },
        [OpKind.Scale] = (b, r, o) =>
        {
            int length = r.OutputShape.ElementCount;
            float factor = ((ScaleAttrs)r.Attributes).Factor;
            return b.Simple(r, "scale", (x, y) => b.Scale(o.In(x, 0), Cast(y), length, factor), inPlace: true);
        },
        [OpKind.ChannelShuffle] = (b, r, o) =>
        {
            var g = KernelGeometry.ChannelGather(r);
            return b.Simple(r, "channel-shuffle", (x, y) => b.ChannelGather(o.In(x, 0), Cast(y), g));
        },
        [OpKind.ChannelSlice] = (b, r, o) =>
        {
            var g = KernelGeometry.ChannelGather(r);
            return b.Simple(r, "channel-slice", (x, y) => b.ChannelGather(o.In(x, 0), Cast(y), g));
        },
        [OpKind.Flatten] = CopyNode,
        [OpKind.Dropout] = CopyNode,
        [OpKind.Identity] = CopyNode,
    }.ToFrozenDictionary();

    /// <inheritdoc/>
    public abstract string Name { get; }

    /// <inheritdoc/>
    public abstract string DeviceName { get; }

    /// <inheritdoc/>
    public AllocationCounter Allocations { get; } = new();

    private bool _disposed;

    /// <inheritdoc/>
    public bool Supports(KernelRequest request, [NotNullWhen(false)] out string? reason)
    {
        ArgumentNullException.ThrowIfNull(request);
        reason = !OpTable.ContainsKey(request.Node.Kind) ? $"no kernel for op {request.Node.Kind}"
            : request.Inputs.FirstOrDefault(i => i.Layout != TensorLayout.Nchw) is { } blocked ? $"input '{blocked.ValueId}' is {blocked.Layout}; this backend reads NCHW only"
            : null;
        return reason is null;
    }

    /// <inheritdoc/>
    public IPreparedKernel Prepare(KernelRequest request, IConstantStore constants)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(constants);
        if (!Supports(request, out string? reason))
        {
            throw new UnsupportedNodeException(Name, request.Node, reason);
        }

        ThrowIfDisposed();
        var operands = new Operands(this, request, constants);
        var prepared = OpTable[request.Node.Kind](this, request, operands);
        string node = $"Running node '{request.Node.Name}' ({prepared.Algorithm})";
        return prepared.WithFailureTranslation(e => IsDeviceFailure(e) ? DeviceFailure(node, e) : null);
    }

    /// <inheritdoc/>
    public IPreparedKernel PrepareConversion(TensorShape shape, TensorLayout source, TensorLayout target) =>
        throw new UnsupportedNodeException($"Backend '{Name}' keeps every tensor in NCHW; it cannot convert {source} to {target}.");

    /// <inheritdoc/>
    public IDeviceBuffer Allocate(int length)
    {
        ThrowIfDisposed();
        try
        {
            return AllocateCore(length);
        }
        catch (Exception e) when (e is OutOfMemoryException || IsDeviceFailure(e))
        {
            throw DeviceFailure($"Allocating {length} floats", e);
        }
    }

    /// <inheritdoc/>
    public IDeviceBuffer Slice(IDeviceBuffer buffer, int offset, int length) => Slice(CastOwn(buffer), offset, length);

    /// <inheritdoc/>
    public void Upload(ReadOnlySpan<float> source, IDeviceBuffer destination)
    {
        ThrowIfDisposed();
        var buffer = CastOwn(destination);
        CheckCopy(source.Length, buffer);
        try
        {
            UploadCore(source, buffer);
        }
        catch (Exception e) when (IsDeviceFailure(e))
        {
            throw DeviceFailure($"Copying {source.Length} floats to the device", e);
        }
    }

    /// <inheritdoc/>
    public void Download(IDeviceBuffer source, Span<float> destination)
    {
        ThrowIfDisposed();
        var buffer = CastOwn(source);
        CheckCopy(destination.Length, buffer);
        try
        {
            DownloadCore(buffer, destination);
        }
        catch (Exception e) when (IsDeviceFailure(e))
        {
            throw DeviceFailure($"Copying {destination.Length} floats from the device", e);
        }
    }

    /// <inheritdoc/>
    public IHostStaging CreateStaging(IDeviceBuffer buffer)
    {
        ThrowIfDisposed();
        try
        {
            return CreateStagingCore(CastOwn(buffer));
        }
        catch (Exception e) when (e is OutOfMemoryException || IsDeviceFailure(e))
        {
            throw DeviceFailure($"Allocating {buffer.Length} floats of host staging", e);
        }
    }

    /// <inheritdoc/>
    public void Synchronize()
    {
        ThrowIfDisposed();
        try
        {
            SynchronizeCore();
        }
        catch (Exception e) when (IsDeviceFailure(e))
        {
            throw DeviceFailure("Waiting for the device", e);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the backend's device resources (called once).</summary>
    /// <param name="disposing">True when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
    }

    /// <summary>Allocates a buffer of <paramref name="length"/> floats.</summary>
    protected abstract TBuffer AllocateCore(int length);

    /// <summary>Copies host data into the start of <paramref name="destination"/>.</summary>
    protected abstract void UploadCore(ReadOnlySpan<float> source, TBuffer destination);

    /// <summary>Waits for pending work and copies the start of <paramref name="source"/> to the host.</summary>
    protected abstract void DownloadCore(TBuffer source, Span<float> destination);

    /// <summary>Waits until every launched kernel has finished.</summary>
    protected abstract void SynchronizeCore();

    /// <summary>Host staging for one of this backend's buffers; direct copies unless overridden.</summary>
    /// <param name="buffer">The buffer.</param>
    protected virtual IHostStaging CreateStagingCore(TBuffer buffer) => new DirectStaging(this, buffer);

    /// <summary>
    /// Whether <paramref name="e"/>, thrown by a launch, a copy, an allocation or a wait, is a failure of the
    /// device or its runtime (reported as a <see cref="DeviceException"/> naming the device and the operation)
    /// rather than a bug of the caller. None by default.
    /// </summary>
    /// <param name="e">The exception.</param>
    protected virtual bool IsDeviceFailure(Exception e) => false;

    /// <summary>The typed error for a failed <paramref name="operation"/> on this backend's device.</summary>
    private DeviceException DeviceFailure(string operation, Exception e) =>
        new($"{operation} on {DeviceName} failed: {e.GetType().Name}: {e.Message}", e);

    /// <summary>A copy longer than the buffer is the caller's error, caught before a device runtime sees it (ILGPU asserts, which ends the process).</summary>
    private static void CheckCopy(int length, TBuffer buffer)
    {
        if (length > buffer.Length)
        {
            throw new ArgumentException($"Cannot copy {length} floats through a buffer of {buffer.Length}.");
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    /// <summary>The algorithm name every non-convolution, non-GEMM op of this backend reports for <paramref name="family"/> (e.g. <c>pool/max</c>).</summary>
    /// <param name="family">The op family.</param>
    protected virtual string AlgorithmName(string family) => family;

    /// <summary>The convolution algorithm this backend picks for <paramref name="g"/> (passed back to <see cref="Conv2d"/>).</summary>
    /// <param name="g">The geometry.</param>
    /// <param name="constantFilters">Whether the filters are a constant (only then can they be prepacked).</param>
    /// <returns>Candidates, preferred first; a forced algorithm picks the first one it matches.</returns>
    protected abstract IReadOnlyList<string> ConvAlgorithm(in ConvGeometry g, bool constantFilters);

    /// <summary>
    /// What <paramref name="algorithm"/> precomputes for one convolution node at prepare time (packed filters, index
    /// tables), handed back to every <see cref="Conv2d"/> launch of the node and disposed with it; none by default.
    /// </summary>
    /// <param name="algorithm">The chosen algorithm.</param>
    /// <param name="request">The node (its filters are <c>Inputs[1]</c>).</param>
    /// <param name="g">The geometry.</param>
    /// <param name="constants">The plan's constant store (for copies shared between plans).</param>
    protected virtual IDisposable? BindConv(string algorithm, KernelRequest request, in ConvGeometry g, IConstantStore constants) => null;

    /// <summary>Whether <paramref name="algorithm"/> adds a fused skip connection in its own epilogue (else the base adds it after the convolution).</summary>
    /// <param name="algorithm">The chosen algorithm.</param>
    protected virtual bool FusesResidual(string algorithm) => false;

    /// <summary>The matrix-product algorithm this backend picks for <paramref name="g"/> (passed back to <see cref="Gemm"/>).</summary>
    /// <param name="g">The geometry.</param>
    /// <returns>Candidates, preferred first; a forced algorithm picks the first one it matches.</returns>
    protected abstract IReadOnlyList<string> GemmAlgorithm(in GemmGeometry g);

    /// <summary>A view of part of a buffer.</summary>
    protected abstract TBuffer Slice(TBuffer buffer, int offset, int length);

    /// <summary>
    /// Convolution with the algorithm chosen at prepare time; <paramref name="residual"/> (only when
    /// <see cref="FusesResidual"/>) is added before the activation; <paramref name="bound"/> is what
    /// <see cref="BindConv"/> returned.
    /// </summary>
    protected abstract void Conv2d(string algorithm, TBuffer x, TBuffer w, TBuffer? bias, TBuffer? residual, TBuffer y, in ConvGeometry g, IDisposable? bound);

    /// <summary>Strided matrix product (fully connected layers) with the algorithm chosen at prepare time.</summary>
    protected abstract void Gemm(string algorithm, TBuffer a, TBuffer b, TBuffer? bias, TBuffer c, in GemmGeometry g);

    /// <summary>Max pooling.</summary>
    protected abstract void MaxPool(TBuffer x, TBuffer y, in PoolGeometry g);

    /// <summary>Average pooling.</summary>
    protected abstract void AvgPool(TBuffer x, TBuffer y, in PoolGeometry g);

    /// <summary>Mean of each of <paramref name="planes"/> planes of <paramref name="spatial"/> values.</summary>
    protected abstract void GlobalAvgPool(TBuffer x, TBuffer y, int planes, int spatial);

    /// <summary>Local response normalisation.</summary>
    protected abstract void Lrn(TBuffer x, TBuffer y, in LrnGeometry g);

    /// <summary>Inference batch norm.</summary>
    protected abstract void BatchNorm(TBuffer x, TBuffer scale, TBuffer bias, TBuffer mean, TBuffer variance, TBuffer y, in ChannelGeometry g, float epsilon);

    /// <summary>ReLU over <paramref name="length"/> values.</summary>
    protected abstract void Relu(TBuffer x, TBuffer y, int length);

    /// <summary>Sigmoid over <paramref name="length"/> values.</summary>
    protected abstract void Sigmoid(TBuffer x, TBuffer y, int length);

    /// <summary>Softmax along the channel axis.</summary>
    protected abstract void Softmax(TBuffer x, TBuffer y, in ChannelGeometry g);

    /// <summary>SE gating.</summary>
    protected abstract void ChannelScale(TBuffer x, TBuffer scale, TBuffer y, in ChannelGeometry g);

    /// <summary>
    /// Elementwise sum over <paramref name="length"/> values, optionally followed by ReLU; <paramref name="b"/>
    /// holds <paramref name="bLength"/> values and repeats when shorter (a batch-1 operand broadcast over the batch).
    /// </summary>
    protected abstract void Add(TBuffer a, TBuffer b, TBuffer y, int length, int bLength, bool fuseRelu);

    /// <summary>Copies one concat input into its channel range.</summary>
    protected abstract void ConcatInto(TBuffer x, TBuffer y, in ConcatSlice slice);

    /// <summary>Copies <paramref name="length"/> values.</summary>
    protected abstract void Copy(TBuffer x, TBuffer y, int length);

    /// <summary><c>min(max(x, min), max)</c> over <paramref name="length"/> values.</summary>
    protected abstract void Clip(TBuffer x, TBuffer y, int length, float min, float max);

    /// <summary><c>factor·x</c> over <paramref name="length"/> values.</summary>
    protected abstract void Scale(TBuffer x, TBuffer y, int length, float factor);

    /// <summary>Copies whole channel planes (a channel shuffle or slice); the output never aliases the input.</summary>
    protected abstract void ChannelGather(TBuffer x, TBuffer y, in ChannelGather g);

    private static PreparedLaunch CopyNode(KernelBackend<TBuffer> b, KernelRequest r, Operands o)
    {
        int length = r.OutputShape.ElementCount;
        return b.Simple(r, "copy", (x, y) => b.Copy(o.In(x, 0), Cast(y), length), inPlace: true);
    }

    private PreparedLaunch Simple(KernelRequest request, string family, KernelLaunch launch, bool inPlace = false) =>
        new(Choose(request, [AlgorithmName(family)]), launch, inPlace);

    /// <summary>The first candidate the request allows, or an error naming the node and the candidates.</summary>
    private string Choose(KernelRequest request, IReadOnlyList<string> candidates) =>
        candidates.FirstOrDefault(request.Allows)
        ?? throw new UnsupportedNodeException(Name, request.Node, $"algorithm '{request.ForcedAlgorithm}' does not apply (candidates: {string.Join(", ", candidates)})");

    private static TBuffer Cast(IDeviceBuffer buffer) =>
        buffer as TBuffer ?? throw new CnnGpuException($"A buffer of type {buffer.GetType().Name} belongs to another backend.");

    private TBuffer CastOwn(IDeviceBuffer buffer) =>
        buffer as TBuffer ?? throw new ArgumentException($"A {buffer.GetType().Name} does not belong to backend '{Name}'.", nameof(buffer));

    /// <summary>A node's operands: constants resolved to their device copies once, activations per launch.</summary>
    private sealed class Operands
    {
        private readonly TBuffer?[] _constants;

        public Operands(KernelBackend<TBuffer> backend, KernelRequest request, IConstantStore store)
        {
            Store = store;
            _constants = [.. request.Inputs.Select(i => i.IsConstant ? backend.CastOwn(store.Flat(i.ValueId)) : null)];
        }

        public IConstantStore Store { get; }

        public TBuffer In(ReadOnlySpan<IDeviceBuffer?> inputs, int index) =>
            _constants[index] ?? Cast(inputs[index] ?? throw new CnnGpuException($"Input {index} has no buffer."));
    }
}

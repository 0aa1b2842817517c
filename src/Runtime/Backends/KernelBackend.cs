using System.Collections.Frozen;
using CnnGpu.Kernels;
using CnnGpu.Runtime.Graph;

namespace CnnGpu.Runtime.Backends;

/// <summary>
/// The one op table: maps every <see cref="OpKind"/> to kernel primitives. A backend only
/// implements the primitives; <see cref="Supports"/> reads this same table, so the two never
/// drift apart.
/// </summary>
/// <typeparam name="TBuffer">The backend's buffer type.</typeparam>
public abstract class KernelBackend<TBuffer> : IBackend
    where TBuffer : class, IDeviceBuffer
{
    private static readonly FrozenDictionary<OpKind, Action<KernelBackend<TBuffer>, NodeLaunch>> OpTable =
        new Dictionary<OpKind, Action<KernelBackend<TBuffer>, NodeLaunch>>
        {
            [OpKind.Conv2d] = (b, l) => b.Conv2d(In(l, 0), In(l, 1), OptionalIn(l, 2), Out(l), KernelGeometry.Conv(l)),
            [OpKind.FullyConnected] = (b, l) => b.Gemm(In(l, 0), In(l, 1), OptionalIn(l, 2), Out(l), KernelGeometry.FullyConnected(l)),
            [OpKind.MaxPool] = (b, l) => b.MaxPool(In(l, 0), Out(l), KernelGeometry.Pool(l, ((MaxPoolAttrs)l.Node.Attributes).Window, false)),
            [OpKind.AvgPool] = (b, l) =>
            {
                var a = (AvgPoolAttrs)l.Node.Attributes;
                b.AvgPool(In(l, 0), Out(l), KernelGeometry.Pool(l, a.Window, a.CountIncludePad));
            },
            [OpKind.GlobalAvgPool] = (b, l) => b.GlobalAvgPool(In(l, 0), Out(l), l.InputShapes[0][0] * l.InputShapes[0][1], l.InputShapes[0].CountFrom(2)),
            [OpKind.Lrn] = (b, l) => b.Lrn(In(l, 0), Out(l), KernelGeometry.Lrn(l)),
            [OpKind.BatchNorm] = (b, l) => b.BatchNorm(
                In(l, 0), In(l, 1), In(l, 2), In(l, 3), In(l, 4), Out(l), KernelGeometry.Channels(l), ((BatchNormAttrs)l.Node.Attributes).Epsilon),
            [OpKind.Relu] = (b, l) => b.Relu(In(l, 0), Out(l), l.OutputShape.ElementCount),
            [OpKind.Sigmoid] = (b, l) => b.Sigmoid(In(l, 0), Out(l), l.OutputShape.ElementCount),
            [OpKind.Softmax] = (b, l) => b.Softmax(In(l, 0), Out(l), KernelGeometry.Channels(l)),
            [OpKind.ChannelScale] = (b, l) => b.ChannelScale(In(l, 0), In(l, 1), Out(l), KernelGeometry.Channels(l)),
            [OpKind.Add] = (b, l) => b.Add(
                In(l, 0), In(l, 1), Out(l), l.OutputShape.ElementCount, l.InputShapes[1].ElementCount, l.Node.Attributes is AddAttrs { Activation: FusedActivation.Relu }),
            [OpKind.Concat] = (b, l) =>
            {
                int offset = 0;
                for (int i = 0; i < l.Inputs.Count; i++)
                {
                    b.ConcatInto(In(l, i), Out(l), KernelGeometry.ConcatSlice(l, i, offset));
                    offset += l.InputShapes[i][1];
                }
            },
            [OpKind.Flatten] = Copy,
            [OpKind.Dropout] = Copy,
            [OpKind.Identity] = Copy,
        }.ToFrozenDictionary();

    /// <inheritdoc/>
    public abstract string Name { get; }

    /// <inheritdoc/>
    public abstract string DeviceName { get; }

    /// <inheritdoc/>
    public bool Supports(OpKind kind) => OpTable.ContainsKey(kind);

    /// <inheritdoc/>
    public void Execute(NodeLaunch launch)
    {
        ArgumentNullException.ThrowIfNull(launch);
        if (!OpTable.TryGetValue(launch.Node.Kind, out var run))
        {
            throw new CnnGpuException($"Backend '{Name}' has no kernel for {launch.Node}.");
        }

        run(this, launch);
    }

    /// <inheritdoc/>
    public AllocationCounter Allocations { get; } = new();

    /// <inheritdoc/>
    public abstract IDeviceBuffer Allocate(int length);

    /// <inheritdoc/>
    public IDeviceBuffer Slice(IDeviceBuffer buffer, int offset, int length) => Slice(Cast(buffer), offset, length);

    /// <inheritdoc/>
    public abstract void Upload(ReadOnlySpan<float> source, IDeviceBuffer destination);

    /// <inheritdoc/>
    public abstract void Download(IDeviceBuffer source, Span<float> destination);

    /// <inheritdoc/>
    public abstract void Synchronize();

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the backend's device resources.</summary>
    /// <param name="disposing">True when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
    }

    /// <summary>A view of part of a buffer.</summary>
    protected abstract TBuffer Slice(TBuffer buffer, int offset, int length);

    /// <summary>Convolution; takes the GEMM path for pointwise geometries where the backend has one.</summary>
    protected abstract void Conv2d(TBuffer x, TBuffer w, TBuffer? bias, TBuffer y, in ConvGeometry g);

    /// <summary>Strided matrix product (fully connected layers).</summary>
    protected abstract void Gemm(TBuffer a, TBuffer b, TBuffer? bias, TBuffer c, in GemmGeometry g);

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

    private static void Copy(KernelBackend<TBuffer> b, NodeLaunch l) => b.Copy(In(l, 0), Out(l), l.OutputShape.ElementCount);

    private static TBuffer In(NodeLaunch l, int i) => Cast(l.Inputs[i], l);

    private static TBuffer? OptionalIn(NodeLaunch l, int i) => i < l.Inputs.Count ? Cast(l.Inputs[i], l) : null;

    private static TBuffer Out(NodeLaunch l) => Cast(l.Output, l);

    private static TBuffer Cast(IDeviceBuffer buffer, NodeLaunch l) =>
        buffer as TBuffer ?? throw new CnnGpuException($"{l.Node}: buffer of type {buffer.GetType().Name} belongs to another backend.");

    private TBuffer Cast(IDeviceBuffer buffer) =>
        buffer as TBuffer ?? throw new ArgumentException($"A {buffer.GetType().Name} does not belong to backend '{Name}'.", nameof(buffer));
}

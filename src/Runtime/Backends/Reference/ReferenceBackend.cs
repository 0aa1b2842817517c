using CnnGpu.Kernels;
using CnnGpu.Kernels.Reference;

namespace CnnGpu.Runtime.Backends.Reference;

/// <summary>Runs the scalar reference kernels on the host: slow, simple, and the truth for tests.</summary>
public sealed class ReferenceBackend : KernelBackend<HostBuffer>
{
    /// <summary>The name the CLI uses.</summary>
    public const string BackendName = "reference";

    /// <inheritdoc/>
    public override string Name => BackendName;

    /// <inheritdoc/>
    public override string DeviceName => "scalar reference kernels (host)";

    /// <inheritdoc/>
    public override IDeviceBuffer Allocate(int length) => new HostBuffer(length);

    /// <inheritdoc/>
    public override void Upload(ReadOnlySpan<float> source, IDeviceBuffer destination) =>
        source.CopyTo(((HostBuffer)destination).Data);

    /// <inheritdoc/>
    public override void Download(IDeviceBuffer source, Span<float> destination) =>
        ((HostBuffer)source).Data.AsSpan(0, destination.Length).CopyTo(destination);

    /// <inheritdoc/>
    public override void Synchronize()
    {
    }

    /// <inheritdoc/>
    protected override void Conv2d(HostBuffer x, HostBuffer w, HostBuffer? bias, HostBuffer y, in ConvGeometry g) =>
        ReferenceConvolution.Conv2d(x.Data, w.Data, bias?.Data, y.Data, g);

    /// <inheritdoc/>
    protected override void Gemm(HostBuffer a, HostBuffer b, HostBuffer? bias, HostBuffer c, in GemmGeometry g) =>
        ReferenceGemm.Multiply(a.Data, b.Data, bias?.Data, c.Data, g);

    /// <inheritdoc/>
    protected override void MaxPool(HostBuffer x, HostBuffer y, in PoolGeometry g) => ReferencePooling.MaxPool(x.Data, y.Data, g);

    /// <inheritdoc/>
    protected override void AvgPool(HostBuffer x, HostBuffer y, in PoolGeometry g) => ReferencePooling.AvgPool(x.Data, y.Data, g);

    /// <inheritdoc/>
    protected override void GlobalAvgPool(HostBuffer x, HostBuffer y, int planes, int spatial) =>
        ReferencePooling.GlobalAvgPool(x.Data, y.Data, planes, spatial);

    /// <inheritdoc/>
    protected override void Lrn(HostBuffer x, HostBuffer y, in LrnGeometry g) => ReferenceNormalization.Lrn(x.Data, y.Data, g);

    /// <inheritdoc/>
    protected override void BatchNorm(HostBuffer x, HostBuffer scale, HostBuffer bias, HostBuffer mean, HostBuffer variance, HostBuffer y, in ChannelGeometry g, float epsilon) =>
        ReferenceNormalization.BatchNorm(x.Data, scale.Data, bias.Data, mean.Data, variance.Data, y.Data, g, epsilon);

    /// <inheritdoc/>
    protected override void Relu(HostBuffer x, HostBuffer y, int length) => ReferenceActivations.Relu(x.Data.AsSpan(0, length), y.Data);

    /// <inheritdoc/>
    protected override void Sigmoid(HostBuffer x, HostBuffer y, int length) => ReferenceActivations.Sigmoid(x.Data.AsSpan(0, length), y.Data);

    /// <inheritdoc/>
    protected override void Softmax(HostBuffer x, HostBuffer y, in ChannelGeometry g) => ReferenceActivations.Softmax(x.Data, y.Data, g);

    /// <inheritdoc/>
    protected override void ChannelScale(HostBuffer x, HostBuffer scale, HostBuffer y, in ChannelGeometry g) =>
        ReferenceElementwise.ChannelScale(x.Data, scale.Data, y.Data, g);

    /// <inheritdoc/>
    protected override void Add(HostBuffer a, HostBuffer b, HostBuffer y, int length) =>
        ReferenceElementwise.Add(a.Data, b.Data, y.Data.AsSpan(0, length));

    /// <inheritdoc/>
    protected override void ConcatInto(HostBuffer x, HostBuffer y, in ConcatSlice slice) => ReferenceElementwise.ConcatInto(x.Data, y.Data, slice);

    /// <inheritdoc/>
    protected override void Copy(HostBuffer x, HostBuffer y, int length) => ReferenceElementwise.Copy(x.Data.AsSpan(0, length), y.Data);
}

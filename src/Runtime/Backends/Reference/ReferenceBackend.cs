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
    protected override HostBuffer AllocateCore(int length) => new(length, Allocations);

    /// <inheritdoc/>
    protected override void UploadCore(ReadOnlySpan<float> source, HostBuffer destination) => source.CopyTo(destination.Span);

    /// <inheritdoc/>
    protected override void DownloadCore(HostBuffer source, Span<float> destination) => source.Span[..destination.Length].CopyTo(destination);

    /// <inheritdoc/>
    protected override HostBuffer Slice(HostBuffer buffer, int offset, int length) => buffer.Slice(offset, length);

    /// <inheritdoc/>
    protected override void SynchronizeCore()
    {
    }

    /// <inheritdoc/>
    protected override string AlgorithmName(string family) => $"reference/{family}";

    /// <inheritdoc/>
    protected override IReadOnlyList<string> ConvAlgorithm(in ConvGeometry g, bool constantFilters) => ["reference/conv"];

    /// <inheritdoc/>
    protected override IReadOnlyList<string> GemmAlgorithm(in GemmGeometry g) => ["reference/gemm"];

    /// <inheritdoc/>
    protected override void Conv2d(string algorithm, HostBuffer x, HostBuffer w, HostBuffer? bias, HostBuffer? residual, HostBuffer y, in ConvGeometry g, IDisposable? bound) =>
        ReferenceConvolution.Conv2d(x.Span, w.Span, bias is null ? default : bias.Span, y.Span, g);

    /// <inheritdoc/>
    protected override void Gemm(string algorithm, HostBuffer a, HostBuffer b, HostBuffer? bias, HostBuffer c, in GemmGeometry g) =>
        ReferenceGemm.Multiply(a.Span, b.Span, bias is null ? default : bias.Span, c.Span, g);

    /// <inheritdoc/>
    protected override void MaxPool(HostBuffer x, HostBuffer y, in PoolGeometry g) => ReferencePooling.MaxPool(x.Span, y.Span, g);

    /// <inheritdoc/>
    protected override void AvgPool(HostBuffer x, HostBuffer y, in PoolGeometry g) => ReferencePooling.AvgPool(x.Span, y.Span, g);

    /// <inheritdoc/>
    protected override void GlobalAvgPool(HostBuffer x, HostBuffer y, int planes, int spatial) =>
        ReferencePooling.GlobalAvgPool(x.Span, y.Span, planes, spatial);

    /// <inheritdoc/>
    protected override void Lrn(HostBuffer x, HostBuffer y, in LrnGeometry g) => ReferenceNormalization.Lrn(x.Span, y.Span, g);

    /// <inheritdoc/>
    protected override void BatchNorm(HostBuffer x, HostBuffer scale, HostBuffer bias, HostBuffer mean, HostBuffer variance, HostBuffer y, in ChannelGeometry g, float epsilon) =>
        ReferenceNormalization.BatchNorm(x.Span, scale.Span, bias.Span, mean.Span, variance.Span, y.Span, g, epsilon);

    /// <inheritdoc/>
    protected override void Relu(HostBuffer x, HostBuffer y, int length) => ReferenceActivations.Relu(x.Span[..length], y.Span);

    /// <inheritdoc/>
    protected override void Sigmoid(HostBuffer x, HostBuffer y, int length) => ReferenceActivations.Sigmoid(x.Span[..length], y.Span);

    /// <inheritdoc/>
    protected override void Softmax(HostBuffer x, HostBuffer y, in ChannelGeometry g) => ReferenceActivations.Softmax(x.Span, y.Span, g);

    /// <inheritdoc/>
    protected override void ChannelScale(HostBuffer x, HostBuffer scale, HostBuffer y, in ChannelGeometry g) =>
        ReferenceElementwise.ChannelScale(x.Span, scale.Span, y.Span, g);

    /// <inheritdoc/>
    protected override void Add(HostBuffer a, HostBuffer b, HostBuffer y, int length, int bLength, bool fuseRelu) =>
        ReferenceElementwise.Add(a.Span, b.Span[..bLength], y.Span[..length], fuseRelu);

    /// <inheritdoc/>
    protected override void ConcatInto(HostBuffer x, HostBuffer y, in ConcatSlice slice) => ReferenceElementwise.ConcatInto(x.Span, y.Span, slice);

    /// <inheritdoc/>
    protected override void Copy(HostBuffer x, HostBuffer y, int length) => ReferenceElementwise.Copy(x.Span[..length], y.Span);

    /// <inheritdoc/>
    protected override void Clip(HostBuffer x, HostBuffer y, int length, float min, float max) =>
        ReferenceChannelOps.Clip(x.Span[..length], y.Span, min, max);

    /// <inheritdoc/>
    protected override void Scale(HostBuffer x, HostBuffer y, int length, float factor) =>
        ReferenceChannelOps.Scale(x.Span[..length], y.Span, factor);

    /// <inheritdoc/>
    protected override void ChannelGather(HostBuffer x, HostBuffer y, in ChannelGather g) => ReferenceChannelOps.Gather(x.Span, y.Span, g);
}

namespace CnnGpu.Kernels.Simd;

/// <summary>A layer's weights and bias packed into microkernel panels (see <see cref="ConvWeightPacking"/>), shared by every plan of a model.</summary>
public sealed class PackedConvWeights : IDisposable
{
    /// <summary>Packs <paramref name="weights"/> and <paramref name="bias"/> for a layer.</summary>
    /// <param name="g">The layer (logical NCHW geometry; the batch is ignored).</param>
    /// <param name="width">Floats per vector.</param>
    /// <param name="blockedInput">Whether the input is channel-blocked.</param>
    /// <param name="weights"><c>[K, C/groups, KH, KW]</c>.</param>
    /// <param name="bias">K values, or empty.</param>
    /// <param name="maxBlocks">Most output blocks per panel.</param>
    public PackedConvWeights(in ConvGeometry g, int width, bool blockedInput, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, int maxBlocks = 2)
    {
        Panels = ConvWeightPacking.Plan(g, width, blockedInput, maxBlocks);
        Weights = new AlignedBuffer(checked((int)ConvWeightPacking.PackedLength(g, width, blockedInput, Panels)));
        ConvWeightPacking.Pack(weights, g, width, blockedInput, Panels, Weights.Span);
        Bias = new AlignedBuffer(((g.OutChannels + width - 1) / width) * width);
        ConvWeightPacking.PackBias(bias, g.OutChannels, width, Bias.Span);
        HasBias = !bias.IsEmpty;
    }

    /// <summary>The panels, in output-block order.</summary>
    public IReadOnlyList<ConvPanel> Panels { get; }

    /// <summary>The packed weights.</summary>
    public AlignedBuffer Weights { get; }

    /// <summary>The bias padded to whole blocks (zeros when the layer has none).</summary>
    public AlignedBuffer Bias { get; }

    /// <summary>Whether the layer has a bias.</summary>
    public bool HasBias { get; }

    /// <inheritdoc/>
    public void Dispose()
    {
        Weights.Dispose();
        Bias.Dispose();
    }
}

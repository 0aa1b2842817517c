namespace CnnGpu.Kernels;

/// <summary>
/// A copy that picks whole channel planes of an NCHW tensor: output channel <c>o</c> of every image is input
/// channel <see cref="SourceChannel"/>(o). It serves ShuffleNet's two channel ops: the channel shuffle
/// (a permutation, <see cref="Shuffle"/>) and the channel split (a contiguous range, <see cref="Slice"/>).
/// </summary>
/// <param name="Batch">Images (N).</param>
/// <param name="InChannels">Channels of the input.</param>
/// <param name="OutChannels">Channels of the output.</param>
/// <param name="Spatial">Elements per channel plane (H·W).</param>
/// <param name="Start">For a slice, the first input channel; 0 for a shuffle.</param>
/// <param name="Groups">For a shuffle, its g (output channel <c>o</c> reads input channel <c>(o mod g)·(C/g) + o/g</c>); 1 for a slice.</param>
public readonly record struct ChannelGather(int Batch, int InChannels, int OutChannels, int Spatial, int Start, int Groups)
{
    /// <summary>Number of output elements.</summary>
    public int Length => Batch * OutChannels * Spatial;

    /// <summary>The shuffle of <c>[N, g·c, H·W]</c>: viewed as <c>[N, g, c, H·W]</c>, transposed to <c>[N, c, g, H·W]</c>.</summary>
    /// <param name="batch">N.</param>
    /// <param name="channels">g·c.</param>
    /// <param name="spatial">H·W.</param>
    /// <param name="groups">g (divides <paramref name="channels"/>).</param>
    public static ChannelGather Shuffle(int batch, int channels, int spatial, int groups) => new(batch, channels, channels, spatial, 0, groups);

    /// <summary>Channels <c>[start, start + count)</c> of <c>[N, C, H·W]</c>.</summary>
    /// <param name="batch">N.</param>
    /// <param name="channels">C.</param>
    /// <param name="spatial">H·W.</param>
    /// <param name="start">First channel kept.</param>
    /// <param name="count">Channels kept.</param>
    public static ChannelGather Slice(int batch, int channels, int spatial, int start, int count) => new(batch, channels, count, spatial, start, 1);

    /// <summary>The input channel that output channel <paramref name="outChannel"/> copies.</summary>
    /// <param name="outChannel">An output channel.</param>
    public int SourceChannel(int outChannel)
    {
        int perGroup = InChannels / Groups;
        return Start + ((outChannel % Groups) * perGroup) + (outChannel / Groups);
    }

    /// <summary>The flat input index that flat output index <paramref name="index"/> copies.</summary>
    /// <param name="index">A flat output index.</param>
    public int SourceIndex(int index)
    {
        int plane = index / Spatial, p = index - (plane * Spatial);
        int n = plane / OutChannels, o = plane - (n * OutChannels);
        return (((n * InChannels) + SourceChannel(o)) * Spatial) + p;
    }
}

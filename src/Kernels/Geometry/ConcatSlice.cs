namespace CnnGpu.Kernels;

/// <summary>One input of a channel concatenation: where its channels land in the output.</summary>
/// <param name="Batch">Images (N).</param>
/// <param name="SourceChannels">Channels of this input.</param>
/// <param name="Spatial">H·W, equal for every input.</param>
/// <param name="DestinationChannels">Channels of the output (sum over inputs).</param>
/// <param name="DestinationChannelOffset">First output channel this input fills.</param>
public readonly record struct ConcatSlice(int Batch, int SourceChannels, int Spatial, int DestinationChannels, int DestinationChannelOffset)
{
    /// <summary>Elements of this input.</summary>
    public int Length => Batch * SourceChannels * Spatial;

    /// <summary>Output offset of flat input element <paramref name="index"/>.</summary>
    public int DestinationIndex(int index)
    {
        int per = SourceChannels * Spatial;
        int n = index / per;
        int rest = index - (n * per);
        return (n * DestinationChannels * Spatial) + (DestinationChannelOffset * Spatial) + rest;
    }
}

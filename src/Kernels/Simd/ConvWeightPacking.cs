namespace CnnGpu.Kernels.Simd;

/// <summary>
/// One panel of packed convolution weights: the weights of <see cref="Blocks"/> consecutive output channel
/// blocks over the input channel blocks they read, laid out as the microkernel consumes them.
/// </summary>
/// <param name="FirstBlock">First output channel block.</param>
/// <param name="Blocks">Output channel blocks in the panel (1 or 2).</param>
/// <param name="FirstInputBlock">First input channel block read (0 for NCHW input).</param>
/// <param name="InputBlocks">Input channel blocks read (1 for NCHW input, whose "block" is every channel).</param>
/// <param name="Offset">First float of the panel in the packed buffer.</param>
public readonly record struct ConvPanel(int FirstBlock, int Blocks, int FirstInputBlock, int InputBlocks, long Offset);

/// <summary>
/// Packs <c>[K, C/groups, KH, KW]</c> convolution weights once, when a layer is prepared, into panels of
/// <c>[input block][kh][kw][channel in block][output block in panel][lane]</c>: the microkernel then reads
/// one contiguous run of weight vectors per input channel. Output channels past K, input channels past C
/// and channels of other groups are packed as zeros, so blocked-layout padding lanes stay zero and any
/// grouping runs on the dense microkernel (depthwise layers have a kernel of their own).
/// </summary>
public static class ConvWeightPacking
{
    /// <summary>Plans the panels of a layer: two output blocks per panel where both read the same input blocks.</summary>
    /// <param name="g">The layer (logical NCHW geometry).</param>
    /// <param name="width">Floats per vector (the channel block).</param>
    /// <param name="blockedInput">Whether the input is channel-blocked (else NCHW, read channel by channel).</param>
    /// <param name="maxBlocks">Most output blocks per panel (1 or 2).</param>
    public static ConvPanel[] Plan(in ConvGeometry g, int width, bool blockedInput, int maxBlocks = 2)
    {
        int outBlocks = (g.OutChannels + width - 1) / width;
        var panels = new List<ConvPanel>();
        long offset = 0;
        for (int ob = 0; ob < outBlocks;)
        {
            var (first, count) = InputBlocks(g, width, blockedInput, ob);
            int blocks = 1;
            if (maxBlocks > 1 && ob + 1 < outBlocks && InputBlocks(g, width, blockedInput, ob + 1) == (first, count))
            {
                blocks = 2;
            }

            panels.Add(new ConvPanel(ob, blocks, first, count, offset));
            offset += PanelLength(g, width, blockedInput, blocks, count);
            ob += blocks;
        }

        return [.. panels];
    }

    /// <summary>Floats the packed weights of <paramref name="panels"/> take.</summary>
    /// <param name="g">The layer.</param>
    /// <param name="width">Floats per vector.</param>
    /// <param name="blockedInput">Whether the input is channel-blocked.</param>
    /// <param name="panels">The panels.</param>
    public static long PackedLength(in ConvGeometry g, int width, bool blockedInput, IReadOnlyList<ConvPanel> panels)
    {
        ArgumentNullException.ThrowIfNull(panels);
        return panels.Count == 0 ? 0 : panels[^1].Offset + PanelLength(g, width, blockedInput, panels[^1].Blocks, panels[^1].InputBlocks);
    }

    /// <summary>Writes the packed weights of every panel into <paramref name="packed"/> (which must be zeroed).</summary>
    /// <param name="weights">The layer's weights, <c>[K, C/groups, KH, KW]</c>.</param>
    /// <param name="g">The layer.</param>
    /// <param name="width">Floats per vector.</param>
    /// <param name="blockedInput">Whether the input is channel-blocked.</param>
    /// <param name="panels">The panels (from <see cref="Plan"/>).</param>
    /// <param name="packed">Destination of <see cref="PackedLength"/> floats.</param>
    public static void Pack(ReadOnlySpan<float> weights, in ConvGeometry g, int width, bool blockedInput, IReadOnlyList<ConvPanel> panels, Span<float> packed)
    {
        ArgumentNullException.ThrowIfNull(panels);
        int cpg = g.InChannelsPerGroup, kpg = g.OutChannelsPerGroup, taps = g.KernelH * g.KernelW;
        int channelsPerBlock = blockedInput ? width : g.InChannels;
        foreach (var panel in panels)
        {
            long at = panel.Offset;
            for (int ib = 0; ib < panel.InputBlocks; ib++)
            {
                for (int tap = 0; tap < taps; tap++)
                {
                    for (int i = 0; i < channelsPerBlock; i++)
                    {
                        int ic = blockedInput ? ((panel.FirstInputBlock + ib) * width) + i : i;
                        for (int o = 0; o < panel.Blocks * width; o++, at++)
                        {
                            int oc = (panel.FirstBlock * width) + o;
                            if (oc < g.OutChannels && ic < g.InChannels && ic / cpg == oc / kpg)
                            {
                                packed[checked((int)at)] = weights[(((oc * cpg) + (ic % cpg)) * taps) + tap];
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>The bias zero-padded to whole blocks (zeros when the layer has none).</summary>
    /// <param name="bias">K values, or empty.</param>
    /// <param name="outChannels">K.</param>
    /// <param name="width">Floats per vector.</param>
    /// <param name="packed">Destination of ⌈K/width⌉·width floats (zeroed).</param>
    public static void PackBias(ReadOnlySpan<float> bias, int outChannels, int width, Span<float> packed)
    {
        _ = width;
        bias[..Math.Min(bias.Length, outChannels)].CopyTo(packed);
    }

    private static long PanelLength(in ConvGeometry g, int width, bool blockedInput, int blocks, int inputBlocks) =>
        (long)inputBlocks * g.KernelH * g.KernelW * (blockedInput ? width : g.InChannels) * blocks * width;

    /// <summary>The input blocks output block <paramref name="ob"/> reads: those holding its groups' input channels.</summary>
    private static (int First, int Count) InputBlocks(in ConvGeometry g, int width, bool blockedInput, int ob)
    {
        if (!blockedInput)
        {
            return (0, 1);
        }

        int firstOc = ob * width, lastOc = Math.Min(g.OutChannels, firstOc + width) - 1;
        int firstIc = firstOc / g.OutChannelsPerGroup * g.InChannelsPerGroup;
        int endIc = ((lastOc / g.OutChannelsPerGroup) + 1) * g.InChannelsPerGroup;
        int first = firstIc / width, end = (endIc + width - 1) / width;
        return (first, end - first);
    }
}

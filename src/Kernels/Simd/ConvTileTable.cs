namespace CnnGpu.Kernels.Simd;

/// <summary>
/// Function pointers to the <see cref="ConvTile"/> instantiations: one per (output blocks, pixels, pixel
/// stride), chosen once when a layer is prepared so the tile loop makes a direct call.
/// </summary>
public static unsafe class ConvTileTable
{
    /// <summary>Pixel strides (in floats) that have instantiations; other strides run one pixel per tile.</summary>
    public static IReadOnlyList<int> PixelStrides { get; } = [1, 2, 4, 8, 16, 32, 64];

    /// <summary>The tile function for <paramref name="blocks"/> × <paramref name="pixels"/> at input pixel stride <paramref name="pixelStride"/>.</summary>
    /// <typeparam name="TS">SIMD width.</typeparam>
    /// <typeparam name="TV">Its vector type.</typeparam>
    /// <param name="blocks">Output channel blocks: 1 or 2.</param>
    /// <param name="pixels">Pixels: 1 … <see cref="ConvTile.MaxPixels"/>.</param>
    /// <param name="pixelStride">Input floats between the pixels; any value when <paramref name="pixels"/> is 1.</param>
    public static delegate*<float*, float*, float*, ConvTileArgs*, void> Get<TS, TV>(int blocks, int pixels, int pixelStride)
        where TS : struct, ISimd<TV>
        where TV : unmanaged
    {
        if (pixels == 1)
        {
            pixelStride = 1;
        }

        return blocks switch
        {
            1 => ForBlocks<TS, TV, N1>(pixels, pixelStride),
            2 => ForBlocks<TS, TV, N2>(pixels, pixelStride),
            _ => throw new ArgumentOutOfRangeException(nameof(blocks), blocks, "A tile covers 1 or 2 output channel blocks."),
        };
    }

    private static delegate*<float*, float*, float*, ConvTileArgs*, void> ForBlocks<TS, TV, TOB>(int pixels, int pixelStride)
        where TS : struct, ISimd<TV>
        where TV : unmanaged
        where TOB : struct, IStaticInt => pixelStride switch
        {
            1 => ForStride<TS, TV, TOB, N1>(pixels),
            2 => ForStride<TS, TV, TOB, N2>(pixels),
            4 => ForStride<TS, TV, TOB, N4>(pixels),
            8 => ForStride<TS, TV, TOB, N8>(pixels),
            16 => ForStride<TS, TV, TOB, N16>(pixels),
            32 => ForStride<TS, TV, TOB, N32>(pixels),
            64 => ForStride<TS, TV, TOB, N64>(pixels),
            _ => throw new ArgumentOutOfRangeException(nameof(pixelStride), pixelStride, "No tile is instantiated for this pixel stride; use one pixel per tile."),
        };

    private static delegate*<float*, float*, float*, ConvTileArgs*, void> ForStride<TS, TV, TOB, TP>(int pixels)
        where TS : struct, ISimd<TV>
        where TV : unmanaged
        where TOB : struct, IStaticInt
        where TP : struct, IStaticInt => pixels switch
        {
            1 => &ConvTile.Run<TS, TV, TOB, N1, TP>,
            2 => &ConvTile.Run<TS, TV, TOB, N2, TP>,
            3 => &ConvTile.Run<TS, TV, TOB, N3, TP>,
            4 => &ConvTile.Run<TS, TV, TOB, N4, TP>,
            5 => &ConvTile.Run<TS, TV, TOB, N5, TP>,
            6 => &ConvTile.Run<TS, TV, TOB, N6, TP>,
            7 => &ConvTile.Run<TS, TV, TOB, N7, TP>,
            8 => &ConvTile.Run<TS, TV, TOB, N8, TP>,
            9 => &ConvTile.Run<TS, TV, TOB, N9, TP>,
            10 => &ConvTile.Run<TS, TV, TOB, N10, TP>,
            11 => &ConvTile.Run<TS, TV, TOB, N11, TP>,
            12 => &ConvTile.Run<TS, TV, TOB, N12, TP>,
            13 => &ConvTile.Run<TS, TV, TOB, N13, TP>,
            14 => &ConvTile.Run<TS, TV, TOB, N14, TP>,
            _ => throw new ArgumentOutOfRangeException(nameof(pixels), pixels, $"A tile covers 1 to {ConvTile.MaxPixels} pixels."),
        };
}

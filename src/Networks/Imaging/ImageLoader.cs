using CnnGpu.Runtime;
using CnnGpu.Runtime.Tensors;
using SkiaSharp;

namespace CnnGpu.Networks.Imaging;

/// <summary>
/// Decodes photos (PNG, JPEG, WebP, …) with SkiaSharp, scales them so they cover the network's
/// input and crops the centre (ML.NET's default <c>IsoCrop</c> resize), and lays the pixels out
/// as planar RGB floats <c>[3, H, W]</c>.
/// </summary>
public static class ImageLoader
{
    /// <summary>
    /// Largest image decoded, in pixels (128 megapixels: 512 MB as RGBA). Larger declared sizes — a
    /// decompression bomb's, or a damaged header's — are refused before anything is allocated.
    /// </summary>
    public const long MaxPixels = 128_000_000;

    /// <summary>Loads one image as a batch of one, <c>[1, 3, height, width]</c>.</summary>
    /// <param name="path">Image file.</param>
    /// <param name="width">Network input width.</param>
    /// <param name="height">Network input height.</param>
    /// <param name="normalization">Pixel normalisation; <see cref="ImageNormalization.Raw"/> when null.</param>
    /// <exception cref="CnnGpuException">The file is missing or not a decodable image.</exception>
    public static Tensor Load(string path, int width, int height, ImageNormalization? normalization = null) =>
        LoadBatch([path], width, height, normalization);

    /// <summary>Loads several images as one batch, <c>[N, 3, height, width]</c>.</summary>
    /// <param name="paths">Image files, in batch order.</param>
    /// <param name="width">Network input width.</param>
    /// <param name="height">Network input height.</param>
    /// <param name="normalization">Pixel normalisation; <see cref="ImageNormalization.Raw"/> when null.</param>
    /// <exception cref="CnnGpuException">A file is missing or not a decodable image.</exception>
    public static Tensor LoadBatch(IReadOnlyList<string> paths, int width, int height, ImageNormalization? normalization = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentOutOfRangeException.ThrowIfLessThan(paths.Count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        var norm = normalization ?? ImageNormalization.Raw;
        int plane = width * height;
        var batch = new Tensor(new TensorShape(paths.Count, 3, height, width));
        for (int n = 0; n < paths.Count; n++)
        {
            using var decoded = Decode(paths[n]);
            using var fitted = CoverAndCrop(decoded, width, height);
            ToPlanar(fitted, norm, batch.Data.AsSpan(n * 3 * plane, 3 * plane));
        }

        return batch;
    }

    /// <summary>Decodes an image file into 8-bit RGBA.</summary>
    /// <param name="path">Image file.</param>
    /// <exception cref="CnnGpuException">Missing, undecodable, corrupt, truncated, zero-sized, or larger than <see cref="MaxPixels"/>.</exception>
    public static SKBitmap Decode(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new CnnGpuException($"Image '{path}' does not exist.");
        }

        using var codec = SKCodec.Create(path) ?? throw new CnnGpuException($"'{path}' is not an image SkiaSharp can decode (PNG, JPEG, WebP, GIF, BMP, ICO, WBMP, HEIF/AVIF where the platform has them), or it is corrupt.");
        int width = codec.Info.Width, height = codec.Info.Height;
        if (width <= 0 || height <= 0)
        {
            throw new CnnGpuException($"Image '{path}' declares {width}x{height} pixels: there is nothing to decode.");
        }

        // Checked before any pixel memory exists: a few hundred bytes of PNG header can declare 60000x60000.
        if ((long)width * height > MaxPixels)
        {
            throw new CnnGpuException($"Image '{path}' declares {width}x{height} pixels ({(long)width * height / 1e6:F0} megapixels), more than the {MaxPixels / 1_000_000} megapixels CnnGpu decodes.");
        }

        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result != SKCodecResult.Success)
        {
            bitmap.Dispose();
            throw new CnnGpuException(result == SKCodecResult.IncompleteInput
                ? $"Image '{path}' is truncated: its data ends before the last row."
                : $"Image '{path}' could not be decoded: {result}.");
        }

        return bitmap;
    }

    /// <summary>
    /// Scales <paramref name="source"/> so it covers <paramref name="width"/>×<paramref name="height"/>
    /// (aspect ratio kept) and crops the centre.
    /// </summary>
    /// <param name="source">The decoded image.</param>
    /// <param name="width">Target width.</param>
    /// <param name="height">Target height.</param>
    public static SKBitmap CoverAndCrop(SKBitmap source, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(source);
        return ScaleAndCrop(source, Math.Max((double)width / source.Width, (double)height / source.Height), width, height);
    }

    /// <summary>
    /// Scales <paramref name="source"/> so that its shorter side is <paramref name="shorterSide"/> and crops the
    /// centre <paramref name="crop"/>×<paramref name="crop"/> (torchvision's <c>Resize(n)</c> + <c>CenterCrop(c)</c>).
    /// With <paramref name="shorterSide"/> = <paramref name="crop"/> this is <see cref="CoverAndCrop"/> to a square.
    /// </summary>
    /// <param name="source">The decoded image.</param>
    /// <param name="shorterSide">The shorter side after scaling (at least <paramref name="crop"/>).</param>
    /// <param name="crop">Side of the square centre crop.</param>
    public static SKBitmap ResizeAndCrop(SKBitmap source, int shorterSide, int crop)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfLessThan(crop, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(shorterSide, crop);
        return ScaleAndCrop(source, (double)shorterSide / Math.Min(source.Width, source.Height), crop, crop);
    }

    /// <summary>
    /// The centre <paramref name="width"/>×<paramref name="height"/> of <paramref name="source"/> scaled by
    /// <paramref name="scale"/>: the window is cut from the source first and only it is resampled (the same
    /// pixels as scaling the whole image and cropping, for a fraction of the work).
    /// </summary>
    private static SKBitmap ScaleAndCrop(SKBitmap source, double scale, int width, int height)
    {
        int cropW = Math.Clamp((int)Math.Round(width / scale), 1, source.Width);
        int cropH = Math.Clamp((int)Math.Round(height / scale), 1, source.Height);
        var crop = SKRectI.Create((source.Width - cropW) / 2, (source.Height - cropH) / 2, cropW, cropH);
        using var subset = new SKBitmap();
        if (!source.ExtractSubset(subset, crop))
        {
            throw new CnnGpuException($"Cropping a {source.Width}x{source.Height} image to {crop} failed.");
        }

        // Downscaling: trilinear over mipmaps (no aliasing); upscaling: Mitchell cubic.
        var sampling = scale < 1
            ? new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear)
            : new SKSamplingOptions(SKCubicResampler.Mitchell);
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        return subset.Resize(info, sampling) ?? throw new CnnGpuException($"Resizing a {cropW}x{cropH} crop to {width}x{height} failed.");
    }

    /// <summary>Writes <paramref name="image"/> as planar normalised R, G, B planes into <paramref name="destination"/>.</summary>
    /// <param name="image">An RGBA image.</param>
    /// <param name="normalization">Pixel normalisation.</param>
    /// <param name="destination">3·width·height floats.</param>
    public static void ToPlanar(SKBitmap image, ImageNormalization normalization, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(normalization);
        int plane = image.Width * image.Height;
        if (destination.Length != 3 * plane)
        {
            throw new ArgumentException($"Expected {3 * plane} floats for a {image.Width}x{image.Height} image, got {destination.Length}.", nameof(destination));
        }

        using var rgba = image.ColorType == SKColorType.Rgba8888 ? null
            : image.Copy(SKColorType.Rgba8888) ?? throw new CnnGpuException($"Converting a {image.ColorType} image to RGBA failed.");
        var source = rgba ?? image;
        ReadOnlySpan<byte> pixels = source.GetPixelSpan();
        int rowBytes = source.RowBytes;
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = 0; x < image.Width; x++)
            {
                int p = (y * image.Width) + x;
                int offset = (y * rowBytes) + (x * 4);
                for (int c = 0; c < 3; c++)
                {
                    destination[(c * plane) + p] = normalization.Apply(pixels[offset + c], c);
                }
            }
        }
    }
}

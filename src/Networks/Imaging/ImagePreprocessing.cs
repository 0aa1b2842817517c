using CnnGpu.Runtime.Tensors;

namespace CnnGpu.Networks.Imaging;

/// <summary>
/// How a photo becomes one network input item: its shorter side is scaled to <see cref="Resize"/>, the
/// centre <see cref="Crop"/>×<see cref="Crop"/> is cut, and the 8-bit RGB pixels are normalised into
/// planar <c>[3, Crop, Crop]</c> floats.
/// </summary>
/// <param name="Resize">The shorter side after scaling (at least <paramref name="Crop"/>).</param>
/// <param name="Crop">Side of the square centre crop: the network's input side.</param>
/// <param name="Normalization">Pixel normalisation (R, G, B).</param>
public sealed record ImagePreprocessing(int Resize, int Crop, ImageNormalization Normalization)
{
    /// <summary>torchvision's ImageNet evaluation transform's ratio of resize to crop (256 → 224).</summary>
    public const double TorchVisionResizeRatio = 256.0 / 224.0;

    /// <summary>
    /// torchvision's ImageNet evaluation transform: <c>Resize(256)</c>, <c>CenterCrop(224)</c>, <c>ToTensor()</c> (0–1)
    /// and the ImageNet mean and standard deviation; other crops keep the 256:224 ratio.
    /// </summary>
    /// <param name="crop">The network's input side.</param>
    public static ImagePreprocessing TorchVision(int crop = 224) =>
        new((int)Math.Round(crop * TorchVisionResizeRatio), crop, ImageNormalization.ImageNet);

    /// <summary>
    /// ML.NET's DnnImageFeaturizer: the image covers the input (aspect ratio kept, ML.NET's <c>IsoCrop</c>) and the
    /// centre is cut; raw 0–255 RGB values, which the model's own preprocessing graph turns into its convention.
    /// </summary>
    /// <param name="crop">The network's input side.</param>
    public static ImagePreprocessing Featurizer(int crop = 224) => new(crop, crop, ImageNormalization.Raw);

    /// <summary>Decodes, scales, crops and normalises <paramref name="paths"/> into one batch <c>[N, 3, Crop, Crop]</c>.</summary>
    /// <param name="paths">Image files, in batch order.</param>
    /// <exception cref="Runtime.CnnGpuException">A file is missing or not a decodable image (the message names it).</exception>
    public Tensor LoadBatch(IReadOnlyList<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentOutOfRangeException.ThrowIfLessThan(paths.Count, 1);
        if (Resize == Crop)
        {
            // Cover-and-crop is the same geometry; going through it keeps the featurizer's pixels exactly.
            return ImageLoader.LoadBatch(paths, Crop, Crop, Normalization);
        }

        int item = 3 * Crop * Crop;
        var batch = new Tensor(new TensorShape(paths.Count, 3, Crop, Crop));
        for (int n = 0; n < paths.Count; n++)
        {
            using var decoded = ImageLoader.Decode(paths[n]);
            using var fitted = ImageLoader.ResizeAndCrop(decoded, Resize, Crop);
            ImageLoader.ToPlanar(fitted, Normalization, batch.Data.AsSpan(n * item, item));
        }

        return batch;
    }
}

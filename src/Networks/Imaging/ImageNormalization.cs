namespace CnnGpu.Networks.Imaging;

/// <summary>
/// How 8-bit RGB pixels become network inputs: <c>(pixel · Scale − Mean[c]) / Std[c]</c> per channel (R, G, B).
/// </summary>
/// <param name="Scale">Applied to the 0–255 pixel value first.</param>
/// <param name="Mean">Subtracted per channel (R, G, B) after scaling.</param>
/// <param name="Std">Divides per channel after the mean is subtracted.</param>
public sealed record ImageNormalization(float Scale, IReadOnlyList<float> Mean, IReadOnlyList<float> Std)
{
    /// <summary>Raw 0–255 values (what ML.NET's ExtractPixels gives the DnnImageFeaturizer models).</summary>
    public static ImageNormalization Raw { get; } = new(1f, [0f, 0f, 0f], [1f, 1f, 1f]);

    /// <summary>torchvision's ImageNet normalisation: 0–1, then the ImageNet mean and standard deviation.</summary>
    public static ImageNormalization ImageNet { get; } = new(1f / 255f, [0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f]);

    /// <summary>The normalised value of an 8-bit pixel component in channel <paramref name="channel"/>.</summary>
    /// <param name="pixel">0–255.</param>
    /// <param name="channel">0 = R, 1 = G, 2 = B.</param>
    public float Apply(byte pixel, int channel) => ((pixel * Scale) - Mean[channel]) / Std[channel];
}

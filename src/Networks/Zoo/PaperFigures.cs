using System.Collections.Frozen;

namespace CnnGpu.Networks.Zoo;

/// <summary>
/// What a paper reports for a network: ImageNet errors (which cannot be measured here: there is no ImageNet
/// data on these machines), and the paper's own G MACs and parameter counts where it gives them.
/// </summary>
/// <param name="Top1Error">Top-1 error in percent, or null where the source gives none.</param>
/// <param name="Top5Error">Top-5 error in percent, or null.</param>
/// <param name="GMacs">The paper's G MACs ("GFLOPs" in the SENet table count multiply-accumulates), or null.</param>
/// <param name="ParamsMillions">The paper's parameter count in millions, or null.</param>
/// <param name="Source">Where the numbers come from.</param>
public sealed record PaperFigure(double? Top1Error, double? Top5Error, double? GMacs, double? ParamsMillions, string Source);

/// <summary>
/// The papers' figures by zoo name: the one table every report and chart takes them from. Every number is
/// the seed's (shared/SEED-FACTS.md), which transcribes the papers; a zoo network absent here has no
/// published figure in the seed. Entries for networks the zoo does not build yet are kept so that they
/// appear as soon as the network does.
/// </summary>
public static class PaperFigures
{
    private const string SeNet = "Hu et al., SENet, Table 2 (single 224x224 crop, re-implementation)";
    private const string SeNetSe = "Hu et al., SENet, Table 2 (single 224x224 crop, SE column)";

    private static readonly FrozenDictionary<string, PaperFigure> Figures = new Dictionary<string, PaperFigure>(StringComparer.Ordinal)
    {
        // AlexNet: the lecture's layer table (params ≈ 61M with biases; MACs: its column summed, conv4 corrected to 150M).
        ["alexnet"] = new(null, null, 0.72, 61, "the lecture's AlexNet table (64-192-384-256-256 variant)"),

        // VGG: parameter counts from Simonyan & Zisserman, Table 2; errors and MACs of D from the SENet table.
        ["vgg11"] = new(null, null, null, 133, "Simonyan & Zisserman, VGG, Table 2"),
        ["vgg11-lrn"] = new(null, null, null, 133, "Simonyan & Zisserman, VGG, Table 2"),
        ["vgg13"] = new(null, null, null, 133, "Simonyan & Zisserman, VGG, Table 2"),
        ["vgg16-c"] = new(null, null, null, 134, "Simonyan & Zisserman, VGG, Table 2"),
        ["vgg16"] = new(27.02, 8.81, 15.47, 138, $"{SeNet}; params: Simonyan & Zisserman, Table 2"),
        ["vgg19"] = new(null, null, null, 144, "Simonyan & Zisserman, VGG, Table 2"),
        ["se-vgg16"] = new(25.22, 7.70, 15.48, null, SeNetSe),

        // ResNet: MACs from He et al., Table 1 (v1, stride on the first 1x1); errors from the SENet table.
        ["resnet18"] = new(null, null, 1.8, null, "He et al., ResNet, Table 1"),
        ["resnet34"] = new(null, null, 3.6, null, "He et al., ResNet, Table 1"),
        ["resnet50"] = new(24.80, 7.48, 3.86, 25.6, $"{SeNet}; params: Hu et al., SENet (ResNet-50 25.6M)"),
        ["resnet101"] = new(23.17, 6.52, 7.58, null, SeNet),
        ["resnet152"] = new(22.42, 6.34, 11.30, null, SeNet),
        ["se-resnet50"] = new(23.29, 6.62, 3.87, 28.1, $"{SeNetSe}; params: Hu et al., SENet (SE-ResNet-50 28.1M)"),
        ["se-resnet101"] = new(22.38, 6.07, 7.60, null, SeNetSe),
        ["se-resnet152"] = new(21.57, 5.73, 11.32, null, SeNetSe),

        // The rest of the SENet table.
        ["resnext50-32x4d"] = new(22.11, 5.90, 4.24, null, SeNet),
        ["se-resnext50"] = new(21.10, 5.49, 4.25, null, SeNetSe),
        ["resnext101-32x4d"] = new(21.18, 5.57, 7.99, null, SeNet),
        ["se-resnext101"] = new(20.70, 5.01, 8.00, null, SeNetSe),
        ["bn-inception"] = new(25.38, 7.89, 2.03, null, SeNet),
        ["se-bn-inception"] = new(24.23, 7.14, 2.04, null, SeNetSe),
        ["inception-resnet-v2"] = new(20.37, 5.21, 11.75, null, SeNet),
        ["se-inception-resnet-v2"] = new(19.80, 4.79, 11.76, null, SeNetSe),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Every zoo name with figures (the zoo may not build all of them yet).</summary>
    public static IEnumerable<string> Names => Figures.Keys;

    /// <summary>The paper's figures for a zoo network, or null when the seed gives none.</summary>
    /// <param name="network">A zoo name.</param>
    public static PaperFigure? For(string network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return Figures.GetValueOrDefault(network);
    }
}

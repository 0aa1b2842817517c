using CnnGpu.Networks.Zoo;

namespace CnnGpu.Tests.Cli;

/// <summary><see cref="PaperFigures"/> holds the SENet table (Hu et al., Table 2) exactly as the seed transcribes it, under the zoo's names.</summary>
public sealed class PaperFiguresTests
{
    /// <summary>SEED-FACTS.md, "SENet (Hu et al., Table 2 …)": base and SE rows (top-1, top-5, GFLOPs).</summary>
    public static TheoryData<string, double, double, double> SeNetTable => new()
    {
        { "resnet50", 24.80, 7.48, 3.86 }, { "se-resnet50", 23.29, 6.62, 3.87 },
        { "resnet101", 23.17, 6.52, 7.58 }, { "se-resnet101", 22.38, 6.07, 7.60 },
        { "resnet152", 22.42, 6.34, 11.30 }, { "se-resnet152", 21.57, 5.73, 11.32 },
        { "resnext50-32x4d", 22.11, 5.90, 4.24 }, { "se-resnext50", 21.10, 5.49, 4.25 },
        { "resnext101-32x4d", 21.18, 5.57, 7.99 }, { "se-resnext101", 20.70, 5.01, 8.00 },
        { "vgg16", 27.02, 8.81, 15.47 }, { "se-vgg16", 25.22, 7.70, 15.48 },
        { "bn-inception", 25.38, 7.89, 2.03 }, { "se-bn-inception", 24.23, 7.14, 2.04 },
        { "inception-resnet-v2", 20.37, 5.21, 11.75 }, { "se-inception-resnet-v2", 19.80, 4.79, 11.76 },
    };

    [Theory]
    [MemberData(nameof(SeNetTable))]
    public void Holds_the_senet_table(string network, double top1, double top5, double gmacs)
    {
        var figure = PaperFigures.For(network);
        Assert.NotNull(figure);
        Assert.Equal(top1, figure.Top1Error);
        Assert.Equal(top5, figure.Top5Error);
        Assert.Equal(gmacs, figure.GMacs);
        Assert.Contains("SENet", figure.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_the_senet_tables_networks_have_errors()
    {
        var withErrors = PaperFigures.Names.Where(n => PaperFigures.For(n)!.Top1Error is not null).Order().ToList();
        Assert.Equal(SeNetTable.Select(row => (string)row[0]).Order(), withErrors);
        Assert.Null(PaperFigures.For("googlenet"));
    }

    [Fact]
    public void Every_figure_names_its_source()
    {
        Assert.All(PaperFigures.Names, n => Assert.False(string.IsNullOrWhiteSpace(PaperFigures.For(n)!.Source), n));
    }
}

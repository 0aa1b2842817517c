using System.Xml.Linq;
using CnnGpu.Cli.Charts;
using CnnGpu.Networks.Zoo;
using CnnGpu.Tests.Onnx;
using SkiaSharp;

namespace CnnGpu.Tests.Cli;

/// <summary>
/// <c>summary --chart</c> and <c>bench --chart</c>: the files are real PNGs (signature, decoded by SkiaSharp, the
/// stated size) and SVGs, with one bubble and one label per network; the bubbles' areas follow the parameters.
/// </summary>
public sealed class ChartTests : IDisposable
{
    /// <summary>The zoo networks the seed's SENet table gives a top-1 error for (SEED-FACTS.md), as far as the zoo builds them.</summary>
    private static readonly string[] SeedTop1 =
    [
        "vgg16", "se-vgg16", "resnet50", "resnet101", "resnet152", "se-resnet50", "se-resnet101", "se-resnet152",
        "resnext50-32x4d", "se-resnext50", "resnext101-32x4d", "se-resnext101", "bn-inception", "se-bn-inception",
        "inception-resnet-v2", "se-inception-resnet-v2",
    ];

    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void Summary_chart_is_a_png_of_the_zoo_networks_with_a_published_error()
    {
        string path = _scratch.File("zoo.png");
        var (code, stdout, stderr) = Cli.Invoke("summary", "--chart", path);

        Assert.True(code == 0, stderr);
        var expected = NetworkZoo.Names.Where(SeedTop1.Contains).ToList();
        Assert.Contains($"wrote {path}: {expected.Count} networks", stdout, StringComparison.Ordinal);
        AssertPng(path);

        // The networks without a figure are named, not silently dropped.
        string warning = Assert.Single(Cli.Lines(stderr));
        Assert.Contains("warning: no published top-1 error for alexnet,", warning, StringComparison.Ordinal);
        Assert.DoesNotContain("resnet50,", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Summary_chart_as_svg_has_one_bubble_and_one_label_per_network()
    {
        string path = _scratch.File("zoo.svg");
        var (code, _, stderr) = Cli.Invoke("summary", "--chart", path);

        Assert.True(code == 0, stderr);
        var expected = NetworkZoo.Names.Where(SeedTop1.Contains).ToList();
        var svg = Svg(path);
        Assert.Equal(expected.Count, svg.Bubbles);
        Assert.All(expected, n => Assert.Contains(n, svg.Texts));
        Assert.Contains("top-1 error (%)", svg.Texts);
    }

    [Fact]
    public void Named_networks_are_charted_alone()
    {
        string path = _scratch.File("two.svg");
        var (code, _, stderr) = Cli.Invoke("summary", "resnet50", "vgg16", "--chart", path);

        Assert.True(code == 0, stderr);
        Assert.Empty(stderr);
        var svg = Svg(path);
        Assert.Equal(2, svg.Bubbles);
        Assert.Contains("resnet50", svg.Texts);
        Assert.Contains("vgg16", svg.Texts);
        Assert.DoesNotContain("resnet101", svg.Texts);
    }

    [Fact]
    public void Bubble_areas_follow_the_parameters()
    {
        // ResNet-50 (25.6M) and VGG-16 (138M): the seed's parameter counts, so diameters in the ratio sqrt(138/25.6).
        string path = _scratch.File("two.svg");
        Assert.Equal(0, Cli.Invoke("summary", "resnet50", "vgg16", "--chart", path).Code);
        var radii = XDocument.Load(path).Descendants().Where(IsBubble).Select(e => double.Parse(e.Attribute("rx")!.Value, System.Globalization.CultureInfo.InvariantCulture)).Order().ToList();
        Assert.Equal(Math.Sqrt(138.0 / 25.6), radii[1] / radii[0], 0.02);
    }

    [Fact]
    public void Png_shows_one_separate_bubble_per_network()
    {
        // Three networks far apart (seed figures: ResNet-50 3.86 G / 24.80 %, ResNet-152 11.30 G / 22.42 %, VGG-16 15.47 G / 27.02 %):
        // the PNG must show three separate blobs of the bubble colour, each around the pixel the plot mapped it to.
        string path = _scratch.File("three.png");
        ChartPoint[] points = [new("resnet50", 3.86, 24.80, 25_600_000), new("resnet152", 11.30, 22.42, 60_200_000), new("vgg16", 15.47, 27.02, 138_000_000)];
        var drawn = ComplexityChart.Save(path, "test", "top-1 error (%)", points);

        using var bitmap = AssertPng(path);
        var blobs = BubbleBlobs(bitmap);
        Assert.Equal(3, blobs.Count);
        foreach (var bubble in drawn)
        {
            Assert.True(IsBubbleColour(bitmap.GetPixel((int)bubble.X, (int)bubble.Y)), $"{bubble.Label} not drawn at ({bubble.X}, {bubble.Y})");
        }
    }

    [Fact]
    public void Bench_chart_draws_each_network_it_timed()
    {
        string path = _scratch.File("bench.svg");
        var (code, stdout, stderr) = Cli.Invoke("bench", "resnet18", "resnet34", "--input", "32", "-b", "cpu", "-n", "1", "--warmup", "1", "--chart", path);

        Assert.True(code == 0, stderr);
        Assert.Contains($"wrote {path}: 2 networks", stdout, StringComparison.Ordinal);
        var svg = Svg(path);
        Assert.Equal(2, svg.Bubbles);
        Assert.Contains("resnet18", svg.Texts);
        Assert.Contains("resnet34", svg.Texts);
        Assert.Contains(svg.Texts, t => t.StartsWith("median latency (ms", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("summary", "chart.txt", "writes .png or .svg files")]
    [InlineData("summary", "no-such-folder/chart.png", "does not exist")]
    [InlineData("bench", "chart.jpg", "writes .png or .svg files")]
    public void A_wrong_chart_path_is_a_usage_error_before_any_work(string command, string file, string expected)
    {
        string path = _scratch.File(file);
        var (code, stdout, stderr) = command == "bench"
            ? Cli.Invoke("bench", "tinynet", "-b", "reference", "--chart", path)
            : Cli.Invoke("summary", "--chart", path);

        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.Contains(expected, Assert.Single(Cli.Lines(stderr)), StringComparison.Ordinal);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void A_network_without_a_published_error_alone_is_nothing_to_chart()
    {
        string path = _scratch.File("alexnet.png");
        var (code, _, stderr) = Cli.Invoke("summary", "alexnet", "--chart", path);

        Assert.Equal(2, code);
        Assert.Contains("nothing to chart", Assert.Single(Cli.Lines(stderr)), StringComparison.Ordinal);
        Assert.False(File.Exists(path));
    }

    private static SKBitmap AssertPng(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        Assert.Equal(PngSignature, bytes[..8]);
        var bitmap = SKBitmap.Decode(bytes);
        Assert.NotNull(bitmap);
        Assert.Equal(ComplexityChart.Width, bitmap.Width);
        Assert.Equal(ComplexityChart.Height, bitmap.Height);
        return bitmap;
    }

    /// <summary>The bubbles' translucent blue over white is clearly bluer than red; text, axes and grid are grey or black.</summary>
    private static bool IsBubbleColour(SKColor c) => c.Blue - c.Red > 50;

    /// <summary>Connected regions (4-neighbour) of bubble-coloured pixels, ignoring specks under 20 pixels.</summary>
    private static List<int> BubbleBlobs(SKBitmap bitmap)
    {
        int w = bitmap.Width, h = bitmap.Height;
        var seen = new bool[w * h];
        var sizes = new List<int>();
        var stack = new Stack<int>();
        for (int start = 0; start < w * h; start++)
        {
            if (seen[start] || !IsBubbleColour(bitmap.GetPixel(start % w, start / w)))
            {
                continue;
            }

            int size = 0;
            seen[start] = true;
            stack.Push(start);
            while (stack.Count > 0)
            {
                int p = stack.Pop();
                size++;
                int x = p % w, y = p / w;
                foreach (int q in new[] { x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1, y > 0 ? p - w : -1, y < h - 1 ? p + w : -1 })
                {
                    if (q >= 0 && !seen[q] && IsBubbleColour(bitmap.GetPixel(q % w, q / w)))
                    {
                        seen[q] = true;
                        stack.Push(q);
                    }
                }
            }

            if (size >= 20)
            {
                sizes.Add(size);
            }
        }

        return sizes;
    }

    private static bool IsBubble(XElement e) =>
        e.Name.LocalName == "ellipse" && string.Equals((string?)e.Attribute("fill"), "#1F77B4", StringComparison.OrdinalIgnoreCase);

    private static (int Bubbles, List<string> Texts) Svg(string path)
    {
        var doc = XDocument.Load(path);
        var texts = doc.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value.Trim()).ToList();
        return (doc.Descendants().Count(IsBubble), texts);
    }
}

using System.Text.Json;
using CnnGpu.Cli.Rendering;
using CnnGpu.Networks.Zoo;
using CnnGpu.Tests.Support;

namespace CnnGpu.Tests.Cli;

/// <summary>
/// <c>cnngpu summary --compare</c>: the whole zoo side by side, checked against the seed's and the papers' numbers
/// (shared/SEED-FACTS.md), never against the code's own output.
/// </summary>
public sealed class CompareCommandTests
{
    /// <summary>Parameter counts in millions: VGG Table 2; ResNet-50 and SE-ResNet-50 from the SENet paper; AlexNet ≈ 61M with biases (the lecture).</summary>
    public static TheoryData<string, double> PaperParams => new()
    {
        { "alexnet", 61 }, { "vgg11", 133 }, { "vgg11-lrn", 133 }, { "vgg13", 133 }, { "vgg16-c", 134 }, { "vgg16", 138 }, { "vgg19", 144 },
        { "resnet50", 25.6 }, { "se-resnet50", 28.1 },
    };

    /// <summary>
    /// G MACs at 224×224 as the seed states them: VGG-16 15.47 (SENet table); ResNet-50 4.09 in torchvision's v1.5 layout
    /// (the zoo's default); the SENet table's v1 figures with <c>--stride-on-1x1</c> (ResNet-50 3.86, SE-ResNet-50 3.87,
    /// ResNet-101 7.58, SE-ResNet-101 7.60, ResNet-152 11.30, SE-ResNet-152 11.32).
    /// </summary>
    public static TheoryData<string, bool, double> PaperMacs => new()
    {
        { "vgg16", false, 15.47 }, { "resnet50", false, 4.09 },
        { "resnet50", true, 3.86 }, { "se-resnet50", true, 3.87 }, { "resnet101", true, 7.58 }, { "se-resnet101", true, 7.60 },
        { "resnet152", true, 11.30 }, { "se-resnet152", true, 11.32 },
    };

    /// <summary>The SENet table's top-1 / top-5 errors (single crop), transcribed from the seed.</summary>
    public static TheoryData<string, double, double> PaperErrors => new()
    {
        { "vgg16", 27.02, 8.81 }, { "resnet50", 24.80, 7.48 }, { "resnet101", 23.17, 6.52 }, { "resnet152", 22.42, 6.34 },
        { "se-resnet50", 23.29, 6.62 }, { "se-resnet101", 22.38, 6.07 }, { "se-resnet152", 21.57, 5.73 },
    };

    [Theory]
    [MemberData(nameof(PaperParams))]
    public void Params_match_the_papers_within_1_percent(string network, double millions)
    {
        var row = Row(Compare(), network);
        Assert.True(WithinOnePercent(row.GetProperty("params").GetInt64() / 1e6, millions), $"{network}: {row.GetProperty("params").GetInt64()}");
    }

    [Theory]
    [MemberData(nameof(PaperMacs))]
    public void Macs_match_the_papers_within_1_percent(string network, bool strideOnFirst1x1, double gmacs)
    {
        var row = Row(strideOnFirst1x1 ? Compare("--stride-on-1x1") : Compare(), network);
        Assert.True(WithinOnePercent(row.GetProperty("macs").GetInt64() / 1e9, gmacs), $"{network}: {row.GetProperty("macs").GetInt64()}");
    }

    [Theory]
    [MemberData(nameof(PaperErrors))]
    public void Errors_are_the_papers(string network, double top1, double top5)
    {
        var row = Row(Compare(), network);
        Assert.Equal(top1, row.GetProperty("top1Error").GetDouble());
        Assert.Equal(top5, row.GetProperty("top5Error").GetDouble());
        Assert.Contains("SENet", row.GetProperty("source").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Json_lists_the_whole_zoo_once_with_null_where_the_seed_gives_no_error()
    {
        var rows = Compare().RootElement.GetProperty("networks").EnumerateArray().ToList();
        Assert.Equal(NetworkZoo.Names, rows.Select(r => r.GetProperty("network").GetString()));

        // The seed has no error rate for AlexNet, GoogLeNet or ResNet-18 (SEED-FACTS: only the SENet table's networks);
        // it has no figure at all for GoogLeNet as a whole (only per-row ones), so no source either.
        var doc = Compare();
        foreach (string network in new[] { "alexnet", "googlenet", "resnet18" })
        {
            Assert.Equal(JsonValueKind.Null, Row(doc, network).GetProperty("top1Error").ValueKind);
            Assert.Equal(JsonValueKind.Null, Row(doc, network).GetProperty("top5Error").ValueKind);
        }

        Assert.Equal(JsonValueKind.Null, Row(doc, "googlenet").GetProperty("source").ValueKind);

    }

    [Fact]
    public void Table_has_a_row_per_network_and_the_papers_errors()
    {
        var (code, stdout, stderr) = Cli.Invoke("summary", "--compare");
        Assert.True(code == 0, stderr);
        foreach (string network in NetworkZoo.Names)
        {
            Assert.Matches($@"(?m)^\s*{System.Text.RegularExpressions.Regex.Escape(network)}\s", stdout);
        }

        Assert.Matches(@"vgg16\s+138M\s+15\.47\s+\d+\.\d\s+27\.02\s+8\.81", stdout);
        Assert.Contains("cannot be measured here", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Named_networks_and_onnx_files_are_compared_too()
    {
        var (code, stdout, stderr) = Cli.Invoke("summary", "resnet18", "tinynet", "--compare", "--json");
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal(["resnet18", "tinynet"], doc.RootElement.GetProperty("networks").EnumerateArray().Select(r => r.GetProperty("network").GetString()));
    }

    [Theory]
    [InlineData(new[] { "summary", "--compare", "--input", "64" }, "drop --input")]
    [InlineData(new[] { "summary", "--compare", "--plan" }, "do not go with --compare")]
    [InlineData(new[] { "summary", "--compare", "lenet" }, "'lenet'")]
    [InlineData(new[] { "summary", "resnet18", "resnet34" }, "name one network")]
    [InlineData(new[] { "summary", "--chart", "x.png", "--json" }, "add --compare")]
    public void Misuse_is_a_one_line_usage_error(string[] arguments, string expected)
    {
        var (code, stdout, stderr) = Cli.Invoke(arguments);
        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.Contains(expected, Assert.Single(Cli.Lines(stderr)), StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_table_fits_80_columns()
    {
        var (console, writer) = TestConsoles.Create(80);
        var rows = NetworkZoo.Names.Select(n => new ComparedNetwork(
            n, Networks.Complexity.ComplexityAnalyzer.Analyze(NetworkZoo.Build(n, new NetworkOptions(Weights: Runtime.Graph.WeightInitializer.ShapesOnly))), PaperFigures.For(n))).ToList();
        CompareTable.Render(console, rows);
        NarrowTables.AssertFits(writer.ToString(), 80);
        Assert.Contains("top-1 %", writer.ToString(), StringComparison.Ordinal);
    }

    /// <summary>|a - e| &lt;= 0.01·|e| (Tolerance.cs's rule with atol 0).</summary>
    private static bool WithinOnePercent(double actual, double expected) => Math.Abs(actual - expected) <= 0.01 * Math.Abs(expected);

    private static JsonDocument Compare(params string[] extra)
    {
        var (code, stdout, stderr) = Cli.Invoke(["summary", "--compare", "--json", .. extra]);
        Assert.True(code == 0, stderr);
        return JsonDocument.Parse(stdout);
    }

    private static JsonElement Row(JsonDocument doc, string network) =>
        doc.RootElement.GetProperty("networks").EnumerateArray().Single(r => r.GetProperty("network").GetString() == network);
}

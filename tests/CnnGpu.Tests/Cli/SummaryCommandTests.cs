using System.Text.Json;
using CnnGpu.Cli.Commands;
using CnnGpu.Networks.Complexity;
using CnnGpu.Networks.Zoo;
using CnnGpu.Tests.Complexity;
using CnnGpu.Tests.Support;
using Spectre.Console;

namespace CnnGpu.Tests.Cli;

public sealed class SummaryCommandTests
{
    public static TheoryData<string> Networks => [.. NetworkZoo.Names];

    [Theory]
    [MemberData(nameof(Networks))]
    public void Summary_fits_a_100_column_terminal_without_wrapping_names(string network)
    {
        string text = Render(network, width: 100);
        var lines = text.Split('\n');
        Assert.All(lines, line => Assert.True(line.TrimEnd('\r').Length <= 100, $"{line.Length} columns: {line}"));
        var report = Reports.Of(network);
        Assert.All(report.Layers, l => Assert.Contains($" {l.Name} ", text, StringComparison.Ordinal));
        Assert.Contains("total", text, StringComparison.Ordinal);
    }

    [Fact]
    public void List_names_every_zoo_network()
    {
        var (console, writer) = TestConsoles.Create(100);
        Assert.Equal(0, SummaryCommand.Run(console, null, null, false, false, list: true));
        Assert.All(NetworkZoo.Names, n => Assert.Contains(n, writer.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public void No_network_lists_the_zoo_and_is_a_usage_error()
    {
        var (console, writer) = TestConsoles.Create(80);
        var error = new StringWriter();
        Assert.Equal(2, SummaryCommand.Run(console, null, null, false, false, list: false, error: error));
        Assert.Contains("resnet50", writer.ToString(), StringComparison.Ordinal);
        Assert.Single(Cli.Lines(error.ToString()));
        Assert.Contains("name a network", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Json_has_the_documented_fields_with_lowercase_ops()
    {
        var report = ComplexityAnalyzer.Analyze(NetworkZoo.Build("se-resnet50", new NetworkOptions(Weights: Runtime.Graph.WeightInitializer.ShapesOnly)));
        using var doc = JsonDocument.Parse(ComplexityJson.Write(report));
        var root = doc.RootElement;
        Assert.Equal("se-resnet50", root.GetProperty("network").GetString());
        Assert.Equal([3, 224, 224], root.GetProperty("input").EnumerateArray().Select(e => e.GetInt32()));
        var layers = root.GetProperty("layers").EnumerateArray().ToList();
        Assert.Equal(report.Layers.Length, layers.Count);
        foreach (string field in new[] { "name", "block", "op", "input", "output", "params", "macs", "activationBytes", "receptiveField" })
        {
            Assert.All(layers, l => Assert.True(l.TryGetProperty(field, out _), field));
        }

        var ops = layers.Select(l => l.GetProperty("op").GetString()).ToHashSet();
        Assert.Subset(new HashSet<string?> { "conv", "fc", "maxpool", "globalavgpool", "batchnorm", "relu", "sigmoid", "channelscale", "add", "softmax", "flatten" }, ops);
        var totals = root.GetProperty("totals");
        Assert.Equal(report.TotalMacs, totals.GetProperty("macs").GetInt64());
        Assert.Equal(report.TotalParams, totals.GetProperty("params").GetInt64());
        Assert.Equal(report.TotalActivationBytes, totals.GetProperty("activationBytes").GetInt64());
        Assert.Equal(layers.Sum(l => l.GetProperty("macs").GetInt64()), totals.GetProperty("macs").GetInt64());
    }

    [Fact]
    public void Unknown_network_is_a_one_line_error()
    {
        var (console, _) = TestConsoles.Create(100);
        var error = new StringWriter();
        Assert.Equal(2, SummaryCommand.Run(console, "lenet", null, false, false, false, error: error));

        Assert.Single(error.ToString().TrimEnd().Split('\n'));
        Assert.Contains("'lenet'", error.ToString(), StringComparison.Ordinal);
    }

    private static string Render(string network, int width)
    {
        var (console, writer) = TestConsoles.Create(width);
        Assert.Equal(0, SummaryCommand.Run(console, network, null, false, false, false));
        return writer.ToString();
    }
}

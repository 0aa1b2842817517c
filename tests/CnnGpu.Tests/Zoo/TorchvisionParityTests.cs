using CnnGpu.Networks.Complexity;
using CnnGpu.Networks.Zoo;
using CnnGpu.Runtime.Graph;

namespace CnnGpu.Tests.Zoo;

/// <summary>
/// Zoo builds against the parameter manifests torchvision itself wrote (Zoo/Torchvision/*.tsv, made by
/// <c>/usr/bin/python3 make_manifests.py</c> with Debian's python3-torchvision 0.14.1, random init, seed 0):
/// the same parameter names with the same shapes, and the same learned-parameter count, so torchvision
/// state dicts and ONNX exports line up with our graphs name for name.
/// </summary>
public sealed class TorchvisionParityTests
{
    public static TheoryData<string, string> Models => new()
    {
        { "resnext50_32x4d", "resnext50-32x4d" },
        { "mobilenet_v2", "mobilenet-v2" },
        { "shufflenet_v2_x1_0", "shufflenet-v2-1.0" },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void Parameter_names_and_shapes_match_torchvision(string torchvision, string zoo)
    {
        var (expected, _) = Manifest(torchvision);
        var graph = NetworkZoo.Build(zoo, new NetworkOptions(Weights: WeightInitializer.ShapesOnly));
        var actual = graph.Values.Where(v => v.IsConstant)
            .ToDictionary(v => v.Name, v => string.Join("x", v.Constant!.Shape.Dimensions), StringComparer.Ordinal);
        Assert.Empty(expected.Keys.Except(actual.Keys));
        Assert.Empty(actual.Keys.Except(expected.Keys));
        Assert.All(expected, e => Assert.True(e.Value == actual[e.Key], $"{e.Key}: torchvision {e.Value}, ours {actual[e.Key]}"));
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Parameter_count_matches_torchvision(string torchvision, string zoo)
    {
        var (_, parameters) = Manifest(torchvision);
        var report = ComplexityAnalyzer.Analyze(NetworkZoo.Build(zoo, new NetworkOptions(Weights: WeightInitializer.ShapesOnly)));
        Assert.Equal(parameters, report.TotalParams);
    }

    private static (Dictionary<string, string> Shapes, long Parameters) Manifest(string model)
    {
        var lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Zoo", "Torchvision", $"{model}.tsv"));
        var shapes = lines.Where(l => !l.StartsWith('#')).Select(l => l.Split('\t')).ToDictionary(f => f[0], f => f[1], StringComparer.Ordinal);
        long parameters = long.Parse(lines.Single(l => l.StartsWith("# parameters\t", StringComparison.Ordinal)).Split('\t')[1], System.Globalization.CultureInfo.InvariantCulture);
        return (shapes, parameters);
    }
}

using CnnGpu.Networks.Zoo;
using CnnGpu.Runtime;
using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Tensors;

namespace CnnGpu.Tests.Zoo;

public sealed class NetworkZooTests
{
    [Fact]
    public void Zoo_has_exactly_the_names_of_the_issue()
    {
        string[] expected =
        [
            "alexnet", "alexnet-v1", "vgg11", "vgg11-lrn", "vgg13", "vgg16-c", "vgg16", "vgg19", "googlenet",
            "resnet18", "resnet34", "resnet50", "resnet101", "resnet152", "se-resnet50", "se-resnet101", "se-resnet152",
            "resnext50-32x4d", "resnext101-32x4d", "se-resnext50", "se-resnext101", "se-vgg16", "bn-inception", "se-bn-inception",
            "inception-resnet-v2", "se-inception-resnet-v2", "mobilenet-v1", "mobilenet-v2", "shufflenet-v2-1.0",
        ];
        Assert.Equal(expected, NetworkZoo.Names);
    }

    [Fact]
    public void Unknown_network_lists_the_zoo()
    {
        var e = Assert.Throws<CnnGpuException>(() => NetworkZoo.Build("lenet"));
        Assert.Contains("'lenet'", e.Message, StringComparison.Ordinal);
        Assert.Contains("resnet50", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Too_small_an_input_is_a_shape_error_naming_the_layer()
    {
        var e = Assert.Throws<ShapeMismatchException>(() => NetworkZoo.Build("alexnet", new NetworkOptions(InputSize: 31, Weights: WeightInitializer.ShapesOnly)));
        Assert.Contains("'features.", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Weights_are_deterministic_and_depend_on_the_parameter_name()
    {
        var a = NetworkZoo.Build("resnet18", new NetworkOptions(32)).GetValue("layer1.0.conv1.weight").Constant!;
        var b = NetworkZoo.Build("resnet18", new NetworkOptions(32)).GetValue("layer1.0.conv1.weight").Constant!;
        var other = NetworkZoo.Build("resnet18", new NetworkOptions(32)).GetValue("layer1.1.conv1.weight").Constant!;
        Assert.Equal(a.Data, b.Data);
        Assert.NotEqual(a.Data, other.Data);
    }

    [Fact]
    public void He_initialisation_has_the_expected_spread()
    {
        var w = NetworkZoo.Build("resnet18", new NetworkOptions(32)).GetValue("layer3.0.conv2.weight").Constant!;
        double mean = w.Data.Average(v => (double)v);
        double std = Math.Sqrt(w.Data.Average(v => (v - mean) * (v - mean)));
        Assert.InRange(mean, -0.01, 0.01);
        Assert.InRange(std, 0.95 * Math.Sqrt(2.0 / (256 * 9)), 1.05 * Math.Sqrt(2.0 / (256 * 9)));
    }

    [Fact]
    public void Batch_norm_statistics_are_never_an_identity()
    {
        var graph = NetworkZoo.Build("resnet18", new NetworkOptions(32));
        var mean = graph.GetValue("bn1.running_mean").Constant!.Data;
        var variance = graph.GetValue("bn1.running_var").Constant!.Data;
        Assert.Contains(mean, v => Math.Abs(v) > 0.05f);
        Assert.Contains(variance, v => Math.Abs(v - 1f) > 0.05f);
    }

    [Fact]
    public void Parameters_are_named_like_torchvision()
    {
        var resnet = NetworkZoo.Build("resnet50", new NetworkOptions(32, Weights: WeightInitializer.ShapesOnly));
        foreach (string name in new[] { "conv1.weight", "bn1.running_var", "layer2.0.downsample.0.weight", "layer2.0.downsample.1.bias", "layer4.2.conv3.weight", "fc.weight", "fc.bias" })
        {
            Assert.True(resnet.GetValue(name).IsConstant, name);
        }

        var alexnet = NetworkZoo.Build("alexnet", new NetworkOptions(Weights: WeightInitializer.ShapesOnly));
        Assert.Equal(new TensorShape(64, 3, 11, 11), alexnet.GetValue("features.0.weight").Constant!.Shape);
        Assert.Equal(new TensorShape(1000, 4096), alexnet.GetValue("classifier.6.weight").Constant!.Shape);
    }

    [Fact]
    public void Weights_load_by_parameter_name()
    {
        var graph = NetworkZoo.Build("resnet18", new NetworkOptions(32));
        var trained = new Tensor(new TensorShape(1000), [.. Enumerable.Range(0, 1000).Select(i => i * 0.5f)]);
        var loaded = graph.WithParameters(new Dictionary<string, Tensor> { ["fc.bias"] = trained });
        Assert.Same(trained, loaded.GetValue("fc.bias").Constant);
        Assert.Same(graph.GetValue("fc.weight").Constant, loaded.GetValue("fc.weight").Constant);
    }

    [Fact]
    public void Loading_a_weight_of_the_wrong_shape_names_it_and_both_shapes()
    {
        var graph = NetworkZoo.Build("resnet18", new NetworkOptions(32, Weights: WeightInitializer.ShapesOnly));
        var e = Assert.Throws<ShapeMismatchException>(() => graph.WithParameters(new Dictionary<string, Tensor> { ["fc.weight"] = new(new TensorShape(10, 512)) }));
        Assert.Contains("'fc.weight'", e.Message, StringComparison.Ordinal);
        Assert.Contains("[1000, 512]", e.Message, StringComparison.Ordinal);
        Assert.Contains("[10, 512]", e.Message, StringComparison.Ordinal);
        Assert.Throws<CnnGpuException>(() => graph.WithParameters(new Dictionary<string, Tensor> { ["fc.gamma"] = new(new TensorShape(1)) }));
        Assert.Throws<CnnGpuException>(() => graph.WithParameters(new Dictionary<string, Tensor>(), requireAll: true));
    }
}

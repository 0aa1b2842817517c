using CnnGpu.Networks;

namespace CnnGpu.Tests.Session;

/// <summary><see cref="Models.Load"/>: zoo names and unknown ones. (The README's embedding example itself is built and run against the packed library by the packaging tests.)</summary>
public sealed class ModelsLoadTests
{
    [Fact]
    public void Models_load_zoo_names_and_report_unknown_ones()
    {
        Assert.Equal("resnet18", Models.Load("resnet18", new Networks.Zoo.NetworkOptions(32, Weights: Runtime.Graph.WeightInitializer.ShapesOnly)).Name);
        var e = Assert.Throws<Runtime.CnnGpuException>(() => Models.Load("lenet"));
        Assert.Contains("'lenet'", e.Message, StringComparison.Ordinal);
    }
}

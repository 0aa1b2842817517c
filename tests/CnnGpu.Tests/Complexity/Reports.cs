using CnnGpu.Networks.Complexity;
using CnnGpu.Networks.Zoo;
using CnnGpu.Runtime.Graph;

namespace CnnGpu.Tests.Complexity;

/// <summary>Structure-only builds (zero weights) of zoo networks for complexity assertions.</summary>
internal static class Reports
{
    public static ComplexityReport Of(string network, int? input = null, bool strideOnFirst1x1 = false) =>
        ComplexityAnalyzer.Analyze(NetworkZoo.Build(network, new NetworkOptions(input, strideOnFirst1x1, Weights: WeightInitializer.ShapesOnly)));
}

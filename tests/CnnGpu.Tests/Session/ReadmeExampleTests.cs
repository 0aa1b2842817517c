using CnnGpu.Networks;
using CnnGpu.Runtime.Session;
using CnnGpu.Runtime.Tensors;

namespace CnnGpu.Tests.Session;

/// <summary>The README's embedding example, as written there (with a small network so it runs quickly).</summary>
public sealed class ReadmeExampleTests
{
    [Fact]
    public async Task Embedding_example_runs()
    {
        var pixels = new float[2 * 3 * 32 * 32];
        using var session = new InferenceSession(Models.Load("tinynet"),
            new SessionOptions { Backend = "reference", MaxBatch = 8 });
        var batch = new Tensor(new TensorShape(2, 3, 32, 32), pixels);
        Tensor probabilities = session.Run(batch);
        Tensor again = await session.RunAsync(batch, CancellationToken.None);
        Assert.Equal(new TensorShape(2, 10), probabilities.Shape);
        Assert.Equal(probabilities.Data, again.Data);
    }

    [Fact]
    public void Models_load_zoo_names_and_report_unknown_ones()
    {
        Assert.Equal("resnet18", Models.Load("resnet18", new Networks.Zoo.NetworkOptions(32, Weights: Runtime.Graph.WeightInitializer.ShapesOnly)).Name);
        var e = Assert.Throws<Runtime.CnnGpuException>(() => Models.Load("lenet"));
        Assert.Contains("'lenet'", e.Message, StringComparison.Ordinal);
    }
}

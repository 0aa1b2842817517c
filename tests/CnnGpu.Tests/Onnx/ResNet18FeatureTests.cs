using System.Diagnostics;
using CnnGpu.Runtime.Execution;
using CnnGpu.Runtime.Tensors;
using CnnGpu.Tests.Support;
using Xunit.Abstractions;

namespace CnnGpu.Tests.Onnx;

/// <summary>
/// Real ImageNet-trained weights: the CNTK-exported ResNet-18 of ML.NET's DnnImageFeaturizer
/// (opset 8, asymmetric pads) imported and run on the sample photos gives ONNX Runtime's 512-d
/// features within |a − e| ≤ 1e-5 + 1e-4·|e|, and the same photo-to-photo similarity ranking.
/// The scalar reference runs all four photos; the GPU simulator (ilgpu-cpu, ~1–2 GFLOP/s) one,
/// to keep the suite short; real GPUs run all four.
/// </summary>
public abstract class ResNet18FeatureTests(BackendFixture fixture, ITestOutputHelper output)
{
    /// <summary>How many of the four photos this backend runs (all four also checks the similarity ranking).</summary>
    protected abstract int PhotoCount { get; }

    [SkippableFact]
    public void Features_of_the_sample_photos_match_onnx_runtime()
    {
        var backend = fixture.Require();
        int photos = PhotoCount;
        float[][] expected = ResNet18Oracle.ExpectedFeatures[..photos];
        var clock = Stopwatch.StartNew();

        // ResNetPreprocess subtracts a [1,3,224,224] mean image, broadcast over the whole batch.
        using var preprocess = new Executor(ResNet18Oracle.PreprocessGraph, backend);
        var images = ResNet18Oracle.Images;
        int item = images.Shape.CountFrom(1);
        var bgr = preprocess.Run(new Tensor(images.Shape.WithBatch(photos), images.Data[..(photos * item)]));

        using var resnet = new Executor(ResNet18Oracle.Graph, backend);
        var features = resnet.Run(bgr);
        clock.Stop();
        Assert.Equal(new TensorShape(photos, ResNet18Oracle.Features, 1, 1), features.Shape);
        float[][] actual = [.. Enumerable.Range(0, photos).Select(n => features.Data.AsSpan(n * ResNet18Oracle.Features, ResNet18Oracle.Features).ToArray())];

        double maxAbs = 0, worst = 0, largest = expected.SelectMany(f => f).Max(Math.Abs);
        for (int n = 0; n < photos; n++)
        {
            for (int k = 0; k < ResNet18Oracle.Features; k++)
            {
                double diff = Math.Abs(actual[n][k] - expected[n][k]);
                maxAbs = Math.Max(maxAbs, diff);
                worst = Math.Max(worst, diff / (Tolerance.Atol + (Tolerance.Rtol * Math.Abs(expected[n][k]))));
            }

            Tolerance.AssertClose(expected[n], actual[n], $"{ResNet18Oracle.Photos[n]} on {backend.Name}");
        }

        output.WriteLine(
            $"{backend.Name}: {photos} photo(s) in {clock.Elapsed.TotalSeconds:F1} s; max |a−e| = {maxAbs:E2} " +
            $"({maxAbs / largest:E2} of the largest feature {largest:F2}); worst element uses {worst:P0} of the tolerance");
        if (photos == ResNet18Oracle.Photos.Length)
        {
            string[] expectedRanking = ResNet18Oracle.PairRanking(ResNet18Oracle.Cosines(expected));
            string[] actualRanking = ResNet18Oracle.PairRanking(ResNet18Oracle.Cosines(actual));
            output.WriteLine($"similarity ranking: {string.Join(" > ", actualRanking)}");
            Assert.Equal(expectedRanking, actualRanking);
        }
    }
}

[Collection(OnReference.Name)]
public sealed class ReferenceResNet18FeatureTests(ReferenceFixture fixture, ITestOutputHelper output) : ResNet18FeatureTests(fixture, output)
{
    protected override int PhotoCount => 4;
}

/// <summary>
/// ILGPU's CPU accelerator synchronises its simulated threads with barriers, so sharing the two
/// cores with other tests makes it several times slower (measured: 6 s alone, 47 s alongside the
/// reference run): this collection runs by itself, after the parallel ones.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class OnIlgpuCpuAlone : ICollectionFixture<IlgpuCpuFixture>
{
    public const string Name = "ilgpu-cpu backend, alone";
}

[Collection(OnIlgpuCpuAlone.Name)]
public sealed class IlgpuCpuResNet18FeatureTests(IlgpuCpuFixture fixture, ITestOutputHelper output) : ResNet18FeatureTests(fixture, output)
{
    protected override int PhotoCount => 1;
}

[Collection(OnCpu.Name)]
public sealed class CpuResNet18FeatureTests(CpuFixture fixture, ITestOutputHelper output) : ResNet18FeatureTests(fixture, output)
{
    protected override int PhotoCount => 4;
}

[Collection(OnCpu256.Name)]
public sealed class Cpu256ResNet18FeatureTests(Cpu256Fixture fixture, ITestOutputHelper output) : ResNet18FeatureTests(fixture, output)
{
    protected override int PhotoCount => 4;
}

[Collection(OnCpu128.Name)]
public sealed class Cpu128ResNet18FeatureTests(Cpu128Fixture fixture, ITestOutputHelper output) : ResNet18FeatureTests(fixture, output)
{
    protected override int PhotoCount => 4;
}

[Collection(OnCuda.Name)]
public sealed class CudaResNet18FeatureTests(CudaFixture fixture, ITestOutputHelper output) : ResNet18FeatureTests(fixture, output)
{
    protected override int PhotoCount => 4;
}

[Collection(OnOpenCl.Name)]
public sealed class OpenClResNet18FeatureTests(OpenClFixture fixture, ITestOutputHelper output) : ResNet18FeatureTests(fixture, output)
{
    protected override int PhotoCount => 4;
}

using CnnGpu.Networks.Onnx;
using CnnGpu.Runtime.Execution;
using CnnGpu.Runtime.Passes;
using CnnGpu.Tests.Support;
using Xunit.Abstractions;

namespace CnnGpu.Tests.Onnx;

/// <summary>
/// The full-size torchvision exports (torch 1.13, opset 13, dynamic batch, random weights) that
/// <c>perf/export_torchvision.py perf/models vgg16 resnext50_32x4d mobilenet_v2 shufflenet_v2_x1_0</c> (and, with
/// <c>--distinct-constants</c>, the <c>-distinct</c> variants) writes
/// into the git-ignored perf/models: each imports as exported and, on the cpu backend, matches ONNX Runtime
/// within 1e-4 relative (of the largest logit) at batch 1 and 3. Skipped, saying how to make the file, when it is absent.
/// </summary>
[Collection(OnCpu.Name)]
public sealed class FullSizeTorchvisionExportTests(CpuFixture fixture, ITestOutputHelper log)
{
    [SkippableTheory]
    [InlineData("vgg16")]
    [InlineData("resnext50_32x4d")]
    [InlineData("mobilenet_v2")]
    [InlineData("shufflenet_v2_x1_0")]
    [InlineData("resnext50_32x4d-distinct")]    // --distinct-constants: random batch-norm statistics and biases, so
    [InlineData("mobilenet_v2-distinct")]       // the logits are not the near-constant ones of torchvision's initialisation
    [InlineData("shufflenet_v2_x1_0-distinct")]
    public void Full_size_export_imports_and_matches_onnx_runtime(string model)
    {
        string path = Path.Combine(TestFiles.RepositoryRoot, "perf", "models", model + ".onnx");
        string[] make = model.EndsWith("-distinct", StringComparison.Ordinal) ? [model[..^"-distinct".Length], "--distinct-constants"] : [model];
        Skip.IfNot(File.Exists(path), $"{path} is absent: /usr/bin/python3 perf/export_torchvision.py perf/models {string.Join(' ', make)}");
        var backend = fixture.Require();
        var graph = GraphOptimizer.Optimize(OnnxImporter.Load(path));
        using var executor = new Executor(graph, backend);
        using var oracle = new OrtOracle(path);
        foreach (int batch in new[] { 1, 3 })
        {
            var input = RandomData.Symmetric(batch, batch, 3, 224, 224);
            var expected = oracle.Run(input)[0];
            var actual = executor.Run(input);
            Assert.Equal(expected.Shape, actual.Shape);
            float scale = expected.Data.Max(Math.Abs);
            float worst = expected.Data.Zip(actual.Data, (e, a) => Math.Abs(e - a)).Max();
            log.WriteLine($"{model} batch {batch}: largest |logit| {scale:G4}, largest difference {worst:G3} ({worst / scale:E2} of it)");
            Tolerance.AssertClose(expected.Data, actual.Data, $"{model} b{batch} vs ONNX Runtime", 1e-4f * scale, 1e-4f);
        }
    }
}

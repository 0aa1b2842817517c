using CnnGpu.Networks.Onnx;
using CnnGpu.Networks.Onnx.Export;
using CnnGpu.Networks.Zoo;
using CnnGpu.Runtime.Backends.Reference;
using CnnGpu.Runtime.Execution;
using CnnGpu.Runtime.Tensors;
using CnnGpu.Tests.Onnx;
using Google.Protobuf;
using Xunit.Abstractions;

namespace CnnGpu.Tests.Hardening;

/// <summary>
/// Hostile ONNX files: 2,100 seeded mutations of small valid models that together use every op the
/// importer supports (the parity cases, plus an exported TinyNet) are loaded from disk and, when they
/// load, run on the reference backend. Each must load and run, or fail with a typed CnnGpu error, within
/// 2 s; anything else fails the test and leaves its reproducer file (named in the failure message).
/// </summary>
public sealed class OnnxFuzzTests(ITestOutputHelper output)
{
    private const int Mutations = 2_100;

    /// <summary>Largest input a loaded mutant is run on (a mutated dimension may ask for gigabytes).</summary>
    private const long MaxRunElements = 1 << 20;

    [Fact]
    public void Mutated_models_load_and_run_or_fail_with_typed_errors()
    {
        var seeds = SeedModels();
        output.WriteLine($"{seeds.Count} seed models ({seeds.Sum(s => s.Bytes.Length) / 1024} KB)");
        var folder = Directory.CreateTempSubdirectory("cnngpu-onnx-fuzz-");
        var outcome = new FuzzOutcome(Path.Combine(Path.GetTempPath(), "cnngpu-fuzz-reproducers"), TimeSpan.FromSeconds(2));
        var mutator = new Mutator(20261202);
        using var backend = new ReferenceBackend();
        try
        {
            string path = Path.Combine(folder.FullName, "mutant.onnx");
            for (int i = 0; i < Mutations; i++)
            {
                var seed = seeds[i % seeds.Count];
                var (bytes, kind) = mutator.Mutate(seed.Bytes, i / seeds.Count);
                File.WriteAllBytes(path, bytes);
                outcome.Run(path, $"{seed.Name} / {kind}", () => LoadAndRun(path, backend));
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }

        output.WriteLine(outcome.Summary());
        Assert.True(outcome.Failures.Count == 0, string.Join("\n", outcome.Failures.Take(20)));
        Assert.True(outcome.Succeeded > 0 && outcome.Rejected > 0, outcome.Summary());
    }

    /// <summary>Every parity case's model (each supported op, opset variants, attribute forms) and an exported TinyNet.</summary>
    internal static List<(string Name, byte[] Bytes)> SeedModels() =>
    [
        .. ConvParityCases.All()
            .Concat(PoolNormParityCases.All())
            .Concat(LinearParityCases.All())
            .Concat(ElementwiseParityCases.All())
            .Concat(TensorParityCases.All())
            .Select(c => (c.Name, c.Model().Bytes())),
        ("tinynet export", OnnxExporter.Export(TinyNet.Build()).ToByteArray()),
    ];

    private static void LoadAndRun(string path, ReferenceBackend backend)
    {
        var graph = OnnxImporter.Load(path);
        if (graph.Inputs.Length == 0)
        {
            return;
        }

        var shapes = graph.Inputs.Select(i => new TensorShape([1, .. i.ItemShape.Dimensions])).ToArray();
        if (shapes.Any(s => s.ElementCount > MaxRunElements))
        {
            return;
        }

        using var executor = new Executor(graph, backend);
        executor.RunAll([.. shapes.Select(s => new Tensor(s, RandomFill(s.ElementCount)))]);
    }

    private static float[] RandomFill(int count)
    {
        var random = new Random(count);
        return [.. Enumerable.Range(0, count).Select(_ => (float)random.NextDouble())];
    }
}

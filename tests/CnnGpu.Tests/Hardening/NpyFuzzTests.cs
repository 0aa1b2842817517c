using CnnGpu.Networks.Io;
using CnnGpu.Tests.Support;
using Xunit.Abstractions;

namespace CnnGpu.Tests.Hardening;

/// <summary>
/// Hostile <c>.npy</c> files: 600 seeded mutations of files NumPy's format allows (versions 1 and 2,
/// ranks 0 to 4) are read; each must read or fail with <see cref="NpyFormatException"/> within 2 s, and
/// none may allocate more than its file could hold.
/// </summary>
public sealed class NpyFuzzTests(ITestOutputHelper output)
{
    private const int Mutations = 600;

    [Fact]
    public void Mutated_npy_files_read_or_fail_with_typed_errors()
    {
        var seeds = new List<byte[]>();
        foreach (int[] dims in new[] { new[] { 7 }, [2, 3], [1, 3, 4, 5], [4, 1, 1, 2] })
        {
            for (int version = 1; version <= 2; version++)
            {
                using var stream = new MemoryStream();
                NpyFile.Write(stream, RandomData.Uniform(dims.Length, -1f, 1f, dims), version);
                seeds.Add(stream.ToArray());
            }
        }

        var folder = Directory.CreateTempSubdirectory("cnngpu-npy-fuzz-");
        var outcome = new FuzzOutcome(Path.Combine(Path.GetTempPath(), "cnngpu-fuzz-reproducers"), TimeSpan.FromSeconds(2));
        var mutator = new Mutator(42);
        try
        {
            string path = Path.Combine(folder.FullName, "mutant.npy");
            for (int i = 0; i < Mutations; i++)
            {
                var (bytes, kind) = mutator.Mutate(seeds[i % seeds.Count], i / seeds.Count);
                File.WriteAllBytes(path, bytes);
                long before = GC.GetAllocatedBytesForCurrentThread();
                outcome.Run(path, kind, () => NpyFile.Read(path));
                long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                Assert.True(allocated < (4L * bytes.Length) + (1 << 20), $"{kind}: reading {bytes.Length} bytes allocated {allocated} bytes");
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }

        output.WriteLine(outcome.Summary());
        Assert.True(outcome.Failures.Count == 0, string.Join("\n", outcome.Failures.Take(20)));
    }
}

using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using CnnGpu.Tests.Support;
using ILGPU;
using ILGPU.Backends.PTX;

namespace CnnGpu.Tests.Ilgpu;

/// <summary>The ILGPU kernel list and its offline compiler, built once for all the offline tests.</summary>
public sealed class OfflineCompilerFixture : IDisposable
{
    /// <summary>The compiler over the kernels <see cref="CnnGpu.Kernels.Ilgpu.IlgpuKernelSet"/> loads.</summary>
    public OfflineKernelCompiler Compiler { get; } = new();

    /// <inheritdoc />
    public void Dispose() => Compiler.Dispose();
}

/// <summary>
/// Every kernel the ILGPU backend loads, in every specialisation it uses, compiled without a GPU to PTX for sm_70,
/// sm_80 and sm_90 and to OpenCL C 2.0 (ILGPU's <see cref="PTXBackend"/> and CLBackend run on the host), so a
/// compile failure that only a CUDA or OpenCL device would hit fails here, on every CI run. Beyond ILGPU's own
/// compile, the PTX must declare its entry, name a target the device can JIT, and call no function it does not define
/// (ILGPU turns an unsupported BCL call such as <c>MathF.FusedMultiplyAdd</c> into an <c>.extern .func</c> that only
/// the driver would reject). Where NVIDIA's ptxas or clang is at hand, the output is also assembled or parsed by them.
/// </summary>
public sealed partial class OfflineCompileTests(OfflineCompilerFixture fixture) : IClassFixture<OfflineCompilerFixture>
{
    private readonly OfflineKernelCompiler compiler = fixture.Compiler;

    /// <summary>sm_70, sm_80, sm_90 and OpenCL C 2.0.</summary>
    public static TheoryData<string> Targets() => [.. OfflineKernelCompiler.Targets];

    /// <summary>The three PTX targets.</summary>
    public static TheoryData<string> PtxTargets() => [.. OfflineKernelCompiler.Targets.Where(t => t.StartsWith("sm_", StringComparison.Ordinal))];

    [Fact]
    public void KernelListIsWhatTheBackendLoadsWithEveryTileInstantiation()
    {
        var names = compiler.Kernels.Select(OfflineKernelCompiler.Describe).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.Contains("ConvolutionKernels.Direct", names);
        Assert.Contains("GemmKernels.Thin", names);

        // The tiled GEMM in its three specialisations: implicit-GEMM conv, 1×1 conv, strided GEMM (FC).
        var tiles = compiler.Kernels.Where(k => k.Name == "Run" && k.IsGenericMethod).ToList();
        Assert.Equal(3, tiles.Count);
        Assert.Contains(tiles, k => k.GetGenericArguments()[2].Name == "Im2ColInput");
        Assert.Contains(tiles, k => k.GetGenericArguments()[2].Name == "PointwiseInput");
        Assert.Contains(tiles, k => k.GetGenericArguments()[0].Name == "StridedOperand");
        Assert.All(compiler.Kernels, k => Assert.False(k.ContainsGenericParameters, $"{k.Name} is an open generic"));
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void EveryKernelCompilesOffline(string target)
    {
        using var backend = compiler.CreateBackend(target);
        var failures = new List<string>();
        foreach (var kernel in compiler.Kernels)
        {
            string name = OfflineKernelCompiler.Describe(kernel);
            try
            {
                var (source, entry) = OfflineKernelCompiler.Compile(backend, kernel);
                failures.AddRange(backend is PTXBackend ptx
                    ? CheckPtx(source, entry, ptx).Select(p => $"{name} @ {target}: {p}")
                    : CheckOpenCl(source, entry).Select(p => $"{name} @ {target}: {p}"));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                failures.Add($"{name} @ {target}: {e.GetType().Name}: {e.Message}");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {compiler.Kernels.Count} kernels fail offline for {target}:\n" + string.Join('\n', failures));
    }

    [Fact]
    public void AnUnresolvedCallIsCaughtAsTheDriverWouldCatchIt()
    {
        // ILGPU 1.5.3 has no PTX lowering for MathF.FusedMultiplyAdd: it compiles the kernel "successfully" into a
        // call of an .extern function that ptxas and the driver reject. The check must see what ILGPU does not.
        using var backend = (PTXBackend)compiler.CreateBackend("sm_90");
        var kernel = typeof(OfflineCompileTests).GetMethod(nameof(FusedMultiplyAddKernel), BindingFlags.NonPublic | BindingFlags.Static)!;
        var (ptx, entry) = OfflineKernelCompiler.Compile(backend, kernel);
        var problems = CheckPtx(ptx, entry, backend).ToList();
        Assert.True(
            problems.Any(p => p.Contains("FusedMultiplyAdd", StringComparison.Ordinal)),
            "Expected the unresolved FusedMultiplyAdd call to be reported (if ILGPU now lowers it to fma.rn.f32, this test needs another unsupported call): "
            + string.Join("; ", problems));
    }

    [SkippableTheory]
    [MemberData(nameof(PtxTargets))]
    public void EveryKernelAssemblesWithPtxas(string target)
    {
        string? ptxas = FindTool(["ptxas"], Environment.GetEnvironmentVariable("CUDA_BIN"), Environment.GetEnvironmentVariable("CUDA_HOME") is { } home ? Path.Combine(home, "bin") : null);
        Skip.If(ptxas is null, "NVIDIA's ptxas is not installed ($CUDA_BIN, $CUDA_HOME/bin or PATH); ILGPU's own compile is checked regardless.");
        RunTool(target, ptxas!, files => [$"-arch={target}", files[0], "-o", Path.ChangeExtension(files[0], ".cubin")], ".ptx", batch: false);
    }

    [SkippableFact]
    public void EveryOpenClKernelParsesWithClang()
    {
        string? clang = FindTool(["clang", "clang-19", "clang-18", "clang-17", "clang-16", "clang-15", "clang-14"]);
        Skip.If(clang is null, "clang is not installed; ILGPU's own OpenCL compile is checked regardless.");
        RunTool("opencl-c-2.0", clang!, files => ["-x", "cl", "-cl-std=CL2.0", "-Xclang", "-finclude-default-header", "-fsyntax-only", .. files], ".cl", batch: true);
    }

    private static void FusedMultiplyAddKernel(ArrayView<float> x)
    {
        int i = Grid.GlobalIndex.X;
        if (i < x.Length)
        {
            x[i] = MathF.FusedMultiplyAdd(x[i], x[i], 1f);
        }
    }

    private static IEnumerable<string> CheckPtx(string ptx, string entry, PTXBackend backend)
    {
        var header = TargetRegex().Match(ptx);
        var requested = backend.Architecture;
        var expected = backend.Capabilities.TargetArchitecture;
        if (!header.Success)
        {
            yield return "no .target line";
        }
        else
        {
            var written = new ILGPU.Runtime.Cuda.CudaArchitecture(
                int.Parse(header.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(header.Groups[2].Value, CultureInfo.InvariantCulture));
            if (written != expected || written > requested)
            {
                yield return $"{header.Value} but ILGPU's capabilities for {requested} say {expected} (and no newer than {requested})";
            }
        }

        if (!ptx.Contains(".version 7.8", StringComparison.Ordinal))
        {
            yield return "not PTX ISA 7.8";
        }

        if (!ptx.Contains($".visible .entry {entry}(", StringComparison.Ordinal))
        {
            yield return $"does not declare its entry {entry}";
        }

        if (EntryRegex().Count(ptx) != 1)
        {
            yield return "declares more or fewer than one entry";
        }

        foreach (Match m in ExternFuncRegex().Matches(ptx))
        {
            yield return $"calls {m.Groups[1].Value}, which it declares .extern and never defines (the driver would reject the module)";
        }
    }

    private static IEnumerable<string> CheckOpenCl(string source, string entry)
    {
        if (!source.Contains($"kernel void {entry}(", StringComparison.Ordinal))
        {
            yield return $"does not declare its entry kernel void {entry}";
        }
    }

    // Writes every kernel's source for target to a scratch folder and runs the tool on it: once per file, or (batch)
    // once over all files; a failure names the kernel behind each file the tool complained about.
    private void RunTool(string target, string tool, Func<IReadOnlyList<string>, IEnumerable<string>> arguments, string extension, bool batch)
    {
        string dir = Path.Combine(Path.GetTempPath(), $"cnngpu-offline-{Environment.ProcessId}-{target}");
        Directory.CreateDirectory(dir);
        try
        {
            using var backend = compiler.CreateBackend(target);
            var files = new List<(string File, string Kernel)>();
            foreach (var (kernel, index) in compiler.Kernels.Select((k, i) => (k, i)))
            {
                string file = Path.Combine(dir, $"k{index}{extension}");
                File.WriteAllText(file, OfflineKernelCompiler.Compile(backend, kernel).Source);
                files.Add((file, OfflineKernelCompiler.Describe(kernel)));
            }

            var failures = new List<string>();
            foreach (var group in batch ? [files] : files.Select(f => new[] { f }.ToList()))
            {
                var (code, stdout, stderr) = ExternalProcess.Run(tool, arguments([.. group.Select(f => f.File)]), timeout: TimeSpan.FromMinutes(5));
                string log = stdout + stderr;
                if (code != 0)
                {
                    string named = group.Aggregate(log.Trim(), (text, f) => text.Replace(f.File, $"{f.Kernel} ({Path.GetFileName(f.File)})", StringComparison.Ordinal));
                    failures.Add($"{Path.GetFileName(tool)} @ {target} exit {code}: {named}");
                }
            }

            Assert.True(failures.Count == 0, string.Join('\n', failures));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string? FindTool(string[] names, params string?[] extraDirectories) =>
        extraDirectories.Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
            .Where(d => !string.IsNullOrEmpty(d))
            .SelectMany(d => names.Select(n => Path.Combine(d!, n)))
            .FirstOrDefault(File.Exists);

    [GeneratedRegex(@"^\.target\s+sm_(\d+)(\d)\b", RegexOptions.Multiline)]
    private static partial Regex TargetRegex();

    [GeneratedRegex(@"^\s*\.visible\s+\.entry\s", RegexOptions.Multiline)]
    private static partial Regex EntryRegex();

    [GeneratedRegex(@"^\s*\.extern\s+\.func\s*(?:\([^)]*\)\s*)?(\w+)", RegexOptions.Multiline)]
    private static partial Regex ExternFuncRegex();
}

using System.Text.Json;
using CnnGpu.Cli.Commands;
using CnnGpu.Cli.Rendering;
using CnnGpu.Kernels.Simd;
using CnnGpu.Networks.Complexity;
using CnnGpu.Networks.Zoo;
using CnnGpu.Tests.Onnx;
using CnnGpu.Tests.Support;

namespace CnnGpu.Tests.Cli;

/// <summary>
/// <c>cnngpu bench</c>: tables, the one JSON document of <c>--json</c> with its exact fields, ONNX files as networks,
/// thread counts, and every bad argument as one line on stderr with exit 2 before any work.
/// </summary>
public sealed class BenchCommandTests : IDisposable
{
    /// <summary>The fields of one result, in order.</summary>
    private static readonly string[] ResultFields =
        ["network", "batch", "backend", "device", "threads", "medianMs", "minMs", "p90Ms", "imagesPerSecond", "gflops"];

    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void Bench_reports_latency_throughput_and_a_per_node_profile()
    {
        var (console, writer) = TestConsoles.Create(160);
        var settings = new BenchSettings(["tinynet"], "reference", Batch: 2, Input: null, Iterations: 3, MinSeconds: 60, Profile: true);
        Assert.Equal(0, BenchCommand.Run(console, settings));
        string text = writer.ToString();
        Assert.Contains("backend reference", text, StringComparison.Ordinal);
        Assert.Contains("threads 1", text, StringComparison.Ordinal);
        Assert.Contains("batch 2", text, StringComparison.Ordinal);
        Assert.Contains("tinynet", text, StringComparison.Ordinal);
        Assert.Contains("img/s", text, StringComparison.Ordinal);
        Assert.Contains("p90 ms", text, StringComparison.Ordinal);
        Assert.Contains("per-node profile", text, StringComparison.Ordinal);
        Assert.Contains("algorithm", text, StringComparison.Ordinal);
        Assert.Contains("stem.conv", text, StringComparison.Ordinal);   // a node of the optimised graph
        Assert.Contains("res.add", text, StringComparison.Ordinal);
        Assert.DoesNotContain("stem.bn", text, StringComparison.Ordinal);  // folded away by the passes
        Assert.DoesNotContain("simulator", text, StringComparison.Ordinal);
        Assert.Matches(@"tinynet\s+3x32x32\s+2\s+3\s", text);              // batch 2, exactly the 3 timed runs asked for
    }

    [Fact]
    public void Unknown_backend_is_a_one_line_error()
    {
        var (console, writer) = TestConsoles.Create(160);
        var error = new StringWriter();
        Assert.Equal(2, BenchCommand.Run(console, new BenchSettings(["tinynet"], "tpu", 1, null, 1, 1, false), error));

        string line = Assert.Single(Cli.Lines(error.ToString()));
        Assert.StartsWith("cnngpu bench: Unknown backend 'tpu'", line, StringComparison.Ordinal);
        Assert.Empty(writer.ToString());
    }

    [SkippableTheory]
    [InlineData("cpu")]
    [InlineData("reference")]
    public void Json_is_one_document_with_the_documented_fields(string backend)
    {
        Skip.If(backend == "cpu" && SimdCapabilities.Widest is null, "no SIMD unit for the cpu backend");
        var (code, stdout, stderr) = Cli.Invoke("bench", "tinynet", "--backend", backend, "--iterations", "4", "--warmup", "1", "--json");

        Assert.True(code == 0, stderr);
        Assert.Empty(stderr);
        using var doc = JsonDocument.Parse(stdout);   // throws on anything after the one document
        Assert.Equal(["results"], doc.RootElement.EnumerateObject().Select(p => p.Name));
        var result = Assert.Single(doc.RootElement.GetProperty("results").EnumerateArray().ToList());
        Assert.Equal(ResultFields, result.EnumerateObject().Select(p => p.Name));

        Assert.Equal("tinynet", result.GetProperty("network").GetString());
        Assert.Equal(1, result.GetProperty("batch").GetInt32());
        Assert.Equal(backend, result.GetProperty("backend").GetString());
        Assert.False(string.IsNullOrWhiteSpace(result.GetProperty("device").GetString()));
        Assert.Equal(backend == "cpu" ? Environment.ProcessorCount : 1, result.GetProperty("threads").GetInt32());
        double median = result.GetProperty("medianMs").GetDouble(), min = result.GetProperty("minMs").GetDouble(), p90 = result.GetProperty("p90Ms").GetDouble();
        Assert.True(min > 0 && min <= median && median <= p90, $"min {min}, median {median}, p90 {p90}");
        Assert.Equal(1000 / median, result.GetProperty("imagesPerSecond").GetDouble(), 0.01 * 1000 / median);
        long macs = ComplexityAnalyzer.Analyze(TinyNet.Build()).TotalMacs;
        Assert.Equal(2.0 * macs / (median * 1e6), result.GetProperty("gflops").GetDouble(), 0.01 * 2.0 * macs / (median * 1e6));
    }

    [Fact]
    public void Json_with_batch_and_profile_adds_the_steps_with_their_algorithms()
    {
        var (code, stdout, stderr) = Cli.Invoke("bench", "tinynet", "-b", "reference", "--batch", "3", "-n", "2", "--warmup", "1", "--profile", "--json");

        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var result = Assert.Single(doc.RootElement.GetProperty("results").EnumerateArray().ToList());
        Assert.Equal([.. ResultFields, "profile"], result.EnumerateObject().Select(p => p.Name));
        Assert.Equal(3, result.GetProperty("batch").GetInt32());
        Assert.Equal(3 * 1000 / result.GetProperty("medianMs").GetDouble(), result.GetProperty("imagesPerSecond").GetDouble(), 0.1);
        var steps = result.GetProperty("profile").EnumerateArray().ToList();
        var conv = steps.Single(s => s.GetProperty("name").GetString() == "stem.conv");
        Assert.Equal("conv", conv.GetProperty("op").GetString());
        Assert.False(string.IsNullOrEmpty(conv.GetProperty("algorithm").GetString()));
        Assert.All(steps, s => Assert.Equal(2, s.GetProperty("calls").GetInt32()));   // the timed runs only, not the warm-up
    }

    [SkippableFact]
    public void Threads_1_is_reported_as_one_thread()
    {
        Skip.If(SimdCapabilities.Widest is null, "no SIMD unit for the cpu backend");

        var (code, stdout, stderr) = Cli.Invoke("bench", "tinynet", "--backend", "cpu", "--threads", "1", "-n", "2", "--warmup", "1", "--json");
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var result = doc.RootElement.GetProperty("results")[0];
        Assert.Equal(1, result.GetProperty("threads").GetInt32());
        Assert.EndsWith(", 1 thread", result.GetProperty("device").GetString(), StringComparison.Ordinal);

        (code, stdout, stderr) = Cli.Invoke("bench", "tinynet", "--backend", "cpu", "--threads", "1", "-n", "2", "--warmup", "1");
        Assert.True(code == 0, stderr);
        // The header wraps between its parts at the console's width; read it up to the first result line.
        string header = string.Join(" ", Cli.Lines(stdout).TakeWhile(l => !l.Contains("ms/batch", StringComparison.Ordinal)));
        Assert.Contains("backend cpu", header, StringComparison.Ordinal);
        Assert.Contains("threads 1 ", header, StringComparison.Ordinal);
    }

    [Fact]
    public void Threads_on_a_backend_without_workers_is_a_warning_on_stderr()
    {
        var (code, stdout, stderr) = Cli.Invoke("bench", "tinynet", "--backend", "reference", "--threads", "3", "-n", "1", "--warmup", "1", "--json");

        Assert.Equal(0, code);
        string line = Assert.Single(Cli.Lines(stderr));
        Assert.Equal("cnngpu bench: warning: --threads sets the cpu backend's worker threads; backend 'reference' ignores it.", line);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal(1, doc.RootElement.GetProperty("results")[0].GetProperty("threads").GetInt32());
    }

    [Fact]
    public void An_onnx_file_is_a_network_named_after_the_file()
    {
        string model = _scratch.File("my-tiny.net.onnx");
        Assert.Equal(0, ExportCommand.Run("tinynet", model, null, false, TextWriter.Null, TextWriter.Null));

        var (code, stdout, stderr) = Cli.Invoke("bench", model, "tinynet", "--backend", "reference", "-n", "2", "--warmup", "1", "--json");

        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var results = doc.RootElement.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(["my-tiny.net", "tinynet"], results.Select(r => r.GetProperty("network").GetString()));

        // Same network, same MACs: GFLOP/s over the median agree for the import and the zoo build.
        long macs = ComplexityAnalyzer.Analyze(TinyNet.Build()).TotalMacs;
        Assert.All(results, r => Assert.Equal(
            2.0 * macs / (r.GetProperty("medianMs").GetDouble() * 1e6), r.GetProperty("gflops").GetDouble(), 0.01 * 2.0 * macs / (r.GetProperty("medianMs").GetDouble() * 1e6)));
    }

    [Fact]
    public void Ilgpu_cpu_warns_that_it_is_a_simulator_and_json_keeps_stdout_clean()
    {
        var (code, stdout, stderr) = Cli.Invoke("bench", "tinynet", "--backend", "ilgpu-cpu", "-n", "1", "--warmup", "1", "--json");

        Assert.True(code == 0, stderr);
        string line = Assert.Single(Cli.Lines(stderr));
        Assert.StartsWith("cnngpu bench: warning: ilgpu-cpu is ILGPU's CPU accelerator, a GPU simulator", line, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(stdout);
        var result = doc.RootElement.GetProperty("results")[0];
        Assert.Equal("ilgpu-cpu", result.GetProperty("backend").GetString());
        Assert.Equal(JsonValueKind.Null, result.GetProperty("threads").ValueKind);   // n/a: ILGPU schedules its own threads
    }

    public static TheoryData<string[], string> BadArguments => new()
    {
        { ["--batch", "0"], "cnngpu bench: --batch must be between 1 and 4096, got 0." },
        { ["--batch", "-3"], "cnngpu bench: --batch must be between 1 and 4096, got -3." },
        { ["--batch", "100000"], "cnngpu bench: --batch must be between 1 and 4096, got 100000." },
        { ["--input", "-5"], "cnngpu bench: --input must be between 1 and 4096, got -5." },
        { ["--input", "0"], "cnngpu bench: --input must be between 1 and 4096, got 0." },
        { ["--input", "5000"], "cnngpu bench: --input must be between 1 and 4096, got 5000." },
        { ["--iterations", "0"], "cnngpu bench: --iterations must be between 1 and 1000000, got 0." },
        { ["-n", "-1"], "cnngpu bench: --iterations must be between 1 and 1000000, got -1." },
        { ["--warmup", "0"], "cnngpu bench: --warmup must be between 1 and 1000000, got 0." },
        { ["--threads", "0"], "cnngpu bench: --threads must be between 1 and 1024, got 0." },
        { ["--threads", "-2"], "cnngpu bench: --threads must be between 1 and 1024, got -2." },
        { ["--min-seconds", "0"], "cnngpu bench: --min-seconds must be a positive number of seconds, got 0." },
        { ["--min-seconds", "-1.5"], "cnngpu bench: --min-seconds must be a positive number of seconds, got -1.5." },
        { ["--backend", "tpu"], "cnngpu bench: Unknown backend 'tpu'." },
        { ["--backend", "cpu:1024"], "cnngpu bench: Vector width in 'cpu:1024' must be 512, 256 or 128." },
        { ["lenet"], "cnngpu bench: 'lenet' is neither an existing ONNX file nor a known network name" },
        { ["missing.onnx"], "cnngpu bench: ONNX model 'missing.onnx' does not exist." },
        { ["alexnet", "--input", "16"], "cnngpu bench: alexnet: " },
        { ["onnx", "--input", "64"], "cnngpu bench: --input builds zoo networks; '" },
        { ["--batch", "abc"], "cnngpu bench: Cannot parse argument 'abc' for option '--batch'" },
    };

    [Theory]
    [MemberData(nameof(BadArguments))]
    public void Bad_arguments_are_one_line_errors_with_exit_2(string[] arguments, string expected)
    {
        string[] args = arguments.Contains("onnx") ? ["bench", Exported(), .. arguments.Where(a => a != "onnx")]
            : arguments[0].StartsWith('-') ? ["bench", "tinynet", .. arguments]
            : ["bench", .. arguments];
        args = [.. args, "--json"];

        var (code, stdout, stderr) = Cli.Invoke(args);

        Assert.Equal(2, code);
        string line = Assert.Single(Cli.Lines(stderr));
        Assert.StartsWith(expected, line, StringComparison.Ordinal);
        Assert.DoesNotMatch(Cli.StackFrame, line);
        Assert.Empty(stdout);   // checks run before anything is printed, and a parse error prints no help
    }

    [Fact]
    public void Arguments_are_checked_before_any_network_runs()
    {
        // resnet152 first: were it built and timed before the check of the second name, this would take many seconds.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (code, stdout, stderr) = Cli.Invoke("bench", "resnet152", "lenet", "--backend", "reference");

        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.StartsWith("cnngpu bench: 'lenet'", Assert.Single(Cli.Lines(stderr)), StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public void A_network_that_fails_is_one_line_and_exit_1_while_the_others_still_run()
    {
        string notOnnx = _scratch.File("broken.onnx");
        File.WriteAllText(notOnnx, "not a model");

        var (code, stdout, stderr) = Cli.Invoke("bench", notOnnx, "tinynet", "--backend", "reference", "-n", "1", "--warmup", "1", "--json");

        Assert.Equal(1, code);
        string line = Assert.Single(Cli.Lines(stderr));
        Assert.StartsWith($"cnngpu bench: {notOnnx}: ", line, StringComparison.Ordinal);
        Assert.Contains("is not a valid ONNX model", line, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal("tinynet", Assert.Single(doc.RootElement.GetProperty("results").EnumerateArray().ToList()).GetProperty("network").GetString());
    }

    [Theory]
    [InlineData(new[] { 5.0, 1, 3, 2, 4 }, 3, 1, 5)]
    [InlineData(new[] { 7.0 }, 7, 7, 7)]
    [InlineData(new[] { 4.0, 2 }, 3, 2, 4)]
    [InlineData(new[] { 10.0, 9, 8, 7, 6, 5, 4, 3, 2, 1 }, 5.5, 1, 9)]
    [InlineData(new[] { 1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 }, 6, 1, 10)]
    public void Median_min_and_p90_are_over_the_timed_runs(double[] times, double median, double min, double p90)
    {
        var stats = LatencyStats.Of(times);
        Assert.Equal((median, min, p90), (stats.Median, stats.Min, stats.P90));
    }

    [Fact]
    public void Json_writes_null_for_unknown_threads_and_gflops()
    {
        var known = new BenchResult("a", "3x8x8", 2, "cpu", "dev", 4, 5, MedianMs: 10, MinMs: 8, P90Ms: 12, MacsPerImage: 5_000_000);
        var unknown = known with { Network = "b", Threads = null, MacsPerImage = null };

        using var doc = JsonDocument.Parse(BenchJson.Write([known, unknown]));

        var results = doc.RootElement.GetProperty("results");
        Assert.Equal(4, results[0].GetProperty("threads").GetInt32());
        Assert.Equal(2.0 * 5e6 * 2 / (10 * 1e6), results[0].GetProperty("gflops").GetDouble(), 6);
        Assert.Equal(200, results[0].GetProperty("imagesPerSecond").GetDouble());
        Assert.Equal(JsonValueKind.Null, results[1].GetProperty("threads").ValueKind);
        Assert.Equal(JsonValueKind.Null, results[1].GetProperty("gflops").ValueKind);
        Assert.Equal(ResultFields, results[1].EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void The_cnngpu_executable_prints_only_the_json_document_on_stdout()
    {
        var (code, stdout, stderr) = Cli.Process("bench", "tinynet", "--backend", "reference", "-n", "2", "--warmup", "1", "--json");

        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal("tinynet", doc.RootElement.GetProperty("results")[0].GetProperty("network").GetString());
    }

    private string Exported()
    {
        string path = _scratch.File("exported.onnx");
        if (!File.Exists(path))
        {
            Assert.Equal(0, ExportCommand.Run("tinynet", path, null, false, TextWriter.Null, TextWriter.Null));
        }

        return path;
    }
}

using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using CnnGpu.Cli.Charts;
using CnnGpu.Cli.Rendering;
using CnnGpu.Networks.Complexity;
using CnnGpu.Networks.Zoo;
using CnnGpu.Runtime;
using CnnGpu.Runtime.Backends;
using CnnGpu.Runtime.Backends.Cpu;
using CnnGpu.Runtime.Backends.Reference;
using CnnGpu.Runtime.Execution;
using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Session;
using CnnGpu.Runtime.Tensors;
using Spectre.Console;

namespace CnnGpu.Cli.Commands;

/// <summary>
/// <c>cnngpu bench [networks…] [--backend auto] [--batch N] [--input N] [--iterations N] [--min-seconds S]
/// [--warmup N] [--threads N] [--profile] [--json] [--chart out.png|svg]</c>: times inference of zoo networks (all of them by
/// default) or ONNX files on one device and prints median, min and p90 latency, throughput and achieved
/// GFLOP/s; <c>--profile</c> adds a per-node table, <c>--json</c> prints one JSON document instead, <c>--chart</c>
/// draws latency against G MACs (bubble area: params). Over several networks, progress goes to stderr.
/// Every option is checked before any work: a wrong one is one line on stderr and exit 2.
/// </summary>
internal static class BenchCommand
{
    /// <summary>Timed runs per network unless <c>--iterations</c> says otherwise.</summary>
    public const int DefaultIterations = 10;

    /// <summary>Time budget of the timed runs of one network unless <c>--min-seconds</c> says otherwise.</summary>
    public const double DefaultMinSeconds = 2.0;

    /// <summary>
    /// Timed runs per network even when the first already spent <c>--min-seconds</c> (a slow device, such as the
    /// ILGPU simulator at 224×224, would otherwise get a "median" of one run); fewer only when <c>--iterations</c> asks.
    /// </summary>
    public const int MinTimedRuns = 3;

    /// <summary>Untimed runs after a session is created unless <c>--warmup</c> says otherwise.</summary>
    public const int DefaultWarmup = 2;

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var networks = new Argument<string[]>("networks") { Description = "Zoo networks (see 'cnngpu summary --list'), tinynet, or ONNX files (default: the whole zoo).", Arity = ArgumentArity.ZeroOrMore };
        var backend = new Option<string>("--backend", "-b") { Description = "auto | cpu[:512|:256|:128] | reference | ilgpu-cpu | cuda[:i] | opencl[:i] (auto = CUDA > OpenCL > cpu).", DefaultValueFactory = _ => "auto" };
        var batch = new Option<int>("--batch") { Description = $"Images per run (1–{Arguments.MaxBatch}).", DefaultValueFactory = _ => 1 };
        var input = new Option<int?>("--input") { Description = $"Square input side of zoo networks (1–{Arguments.MaxInput}; default: each network's own)." };
        var iterations = new Option<int>("--iterations", "-n") { Description = "Timed runs per network (fewer when --min-seconds runs out first).", DefaultValueFactory = _ => DefaultIterations };
        var minSeconds = new Option<double>("--min-seconds") { Description = $"Time budget of one network's timed runs, in seconds (at least {MinTimedRuns} runs unless --iterations is lower).", DefaultValueFactory = _ => DefaultMinSeconds };
        var warmup = new Option<int>("--warmup") { Description = "Untimed runs after the session is created.", DefaultValueFactory = _ => DefaultWarmup };
        var threads = new Option<int?>("--threads", "-t") { Description = "Worker threads of the cpu backend (default: one per core)." };
        var profile = new Option<bool>("--profile") { Description = "Per-node timings with each node's algorithm (device-synchronised after each kernel)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON document on stdout and nothing else there." };
        var chart = new Option<string?>("--chart") { Description = "Write the latency chart (x: G MACs, y: median latency, bubble area: params) to a .png or .svg file." };
        var command = new Command("bench", "Benchmark inference of the zoo networks (or ONNX files) on the best available device.")
        {
            networks, backend, batch, input, iterations, minSeconds, warmup, threads, profile, json, chart,
        };
        command.SetAction(parse =>
        {
            var settings = new BenchSettings(
                parse.GetValue(networks) is { Length: > 0 } names ? names : [.. NetworkZoo.Names],
                parse.GetValue(backend) ?? "auto",
                parse.GetValue(batch),
                parse.GetValue(input),
                parse.GetValue(iterations),
                parse.GetValue(minSeconds),
                parse.GetValue(profile),
                parse.GetValue(warmup),
                parse.GetValue(threads),
                parse.GetValue(json),
                parse.GetValue(chart));
            var config = parse.InvocationConfiguration;
            return Run(Consoles.ForOutput(config.Output), settings, config.Error);
        });
        return Examples.Add(command, "cnngpu bench resnet50 --backend cpu --batch 8", "cnngpu bench alexnet vgg16 googlenet resnet50 --chart latency.png");
    }

    /// <summary>Runs the command; returns the exit code (<see cref="ExitCodes"/>).</summary>
    /// <param name="console">Where tables, or the JSON document, go.</param>
    /// <param name="settings">What to run.</param>
    /// <param name="error">Where errors and warnings go; standard error when null.</param>
    internal static int Run(IAnsiConsole console, BenchSettings settings, TextWriter? error = null)
    {
        error ??= Console.Error;
        if (Misuse(settings) is { } usage)
        {
            return Fail(error, usage, ExitCodes.Usage);
        }

        IBackend device;
        try
        {
            device = BackendFactory.Open(settings.Backend, new BackendOptions { Threads = settings.Threads });
        }
        catch (DeviceException e)
        {
            return Fail(error, e.Message, ExitCodes.Usage);
        }

        try
        {
            int? threads = ThreadsOf(device);
            if (settings.Threads is not null && device is not CpuBackend)
            {
                error.WriteLine($"cnngpu bench: warning: --threads sets the cpu backend's worker threads; backend '{device.Name}' ignores it.");
            }

            if (!settings.Json)
            {
                HeaderLine.Write(
                    console,
                    "[bold]cnngpu bench[/]",
                    $"backend [green]{Markup.Escape(device.Name)}[/]",
                    $"device [green]{Markup.Escape(device.DeviceName)}[/]",
                    $"threads [green]{ThreadsText(threads)}[/]",
                    $"batch {settings.Batch}",
                    RunsText(settings));
            }

            if (device.Name == "ilgpu-cpu")
            {
                const string Simulator = "ilgpu-cpu is ILGPU's CPU accelerator, a GPU simulator: correct, but orders of magnitude slower than a GPU or the SIMD 'cpu' backend.";
                if (settings.Json)
                {
                    error.WriteLine($"cnngpu bench: warning: {Simulator}");
                }
                else
                {
                    console.MarkupLine($"[yellow]{Markup.Escape(Simulator)}[/]");
                }
            }

            var results = new List<BenchResult>();
            int failures = 0;

            // Progress (stderr) only over several networks; the tables follow once it is done, so the two never interleave.
            var progress = settings.Networks.Length > 1 ? CliProgress.For(error, quiet: settings.Json) : CliProgress.Quiet;
            progress.Items("bench", settings.Networks, name =>
            {
                try
                {
                    results.Add(BenchOne(device, threads, name, settings));
                }
#pragma warning disable CA1031 // The CLI boundary: a network that fails is one line on stderr; the others still run.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    failures++;
                    error.WriteLine($"cnngpu bench: {name}: {Consoles.OneLine(e.Message)}");
                }
            });

            if (!settings.Json)
            {
                foreach (var result in results)
                {
                    console.MarkupLine(Invariant($"  {Markup.Escape(result.Network)}: {result.MedianMs:F2} ms/batch (median of {result.Runs})"));
                    if (result.Profile is { } profile)
                    {
                        ProfileTable.Render(console, result.Network, profile);
                    }
                }
            }

            if (settings.Json)
            {
                // Raw writer: Spectre would wrap long lines; for the terminal this is Console.Out.
                console.Profile.Out.Writer.WriteLine(BenchJson.Write(results));
            }
            else
            {
                BenchTable.Render(console, results);
            }

            if (settings.Chart is { } chart && BenchChart.Save(console, chart, results, settings.Json, error) is { } chartFailure)
            {
                failures += chartFailure;
            }

            return failures == 0 ? ExitCodes.Success : ExitCodes.Failure;
        }
        finally
        {
            Backends.Close(device);
        }
    }

    /// <summary>The worker threads a backend runs a layer on: the cpu backend's pool, 1 for the scalar reference, null (n/a) for ILGPU devices.</summary>
    /// <param name="backend">An open backend.</param>
    internal static int? ThreadsOf(IBackend backend) => backend switch
    {
        CpuBackend cpu => cpu.Threads,
        ReferenceBackend => 1,
        _ => null,
    };

    /// <summary>What is wrong with the command line, or null when nothing is.</summary>
    private static string? Misuse(BenchSettings s)
    {
        string? problem =
            Arguments.OutOfRange("--batch", s.Batch, 1, Arguments.MaxBatch)
            ?? Arguments.OutOfRange("--input", s.Input, 1, Arguments.MaxInput)
            ?? Arguments.OutOfRange("--iterations", s.Iterations, 1, Arguments.MaxRuns)
            ?? Arguments.OutOfRange("--warmup", s.Warmup, 1, Arguments.MaxRuns)
            ?? Arguments.OutOfRange("--threads", s.Threads, 1, Arguments.MaxThreads);
        if (problem is not null)
        {
            return problem;
        }

        if (!double.IsFinite(s.MinSeconds) || s.MinSeconds <= 0)
        {
            return Invariant($"--min-seconds must be a positive number of seconds, got {s.MinSeconds}.");
        }

        if (string.IsNullOrWhiteSpace(s.Backend))
        {
            return "--backend is empty.";
        }

        if (s.Chart is { } chart && ComplexityChart.Unwritable("--chart", chart) is { } unwritable)
        {
            return unwritable;
        }

        foreach (string name in s.Networks)
        {
            if (Arguments.UnknownModel(name) is { } unknown)
            {
                return unknown;
            }

            if (s.Input is null)
            {
                continue;
            }

            if (!Arguments.IsZooBuild(name))
            {
                return $"--input builds zoo networks; '{name}' is not one (its input size is fixed).";
            }

            try
            {
                // Structure only (no weights): an input too small for the architecture fails here, before any work.
                NetworkZoo.Build(name, new NetworkOptions(s.Input, Weights: WeightInitializer.ShapesOnly));
            }
            catch (CnnGpuException e)
            {
                return $"{name}: {e.Message}";
            }
        }

        return null;
    }

    private static BenchResult BenchOne(IBackend device, int? threads, string name, BenchSettings settings)
    {
        var graph = Arguments.Load(name, new NetworkOptions(settings.Input));
        string network = Arguments.IsZooBuild(name) || !File.Exists(name) ? graph.Name : Path.GetFileNameWithoutExtension(name);
        var complexity = ComplexityOf(graph);
        using var session = new InferenceSession(graph, new SessionOptions { SharedBackend = device, MaxBatch = settings.Batch, Profiling = settings.Profile });
        var input = new Tensor(new TensorShape([settings.Batch, .. session.InputItemShape.Dimensions]));
        var rng = new Random(1);
        for (int i = 0; i < input.Data.Length; i++)
        {
            input.Data[i] = (float)rng.NextDouble();
        }

        // The session warmed up at batch 1 when it was created; these runs build and warm the plan for this batch size.
        for (int i = 0; i < settings.Warmup; i++)
        {
            session.Run(input);
        }

        session.ResetProfile();
        var times = new List<double>(settings.Iterations);
        var budget = Stopwatch.StartNew();
        int minRuns = Math.Min(MinTimedRuns, settings.Iterations);
        while (times.Count < settings.Iterations && (times.Count < minRuns || budget.Elapsed.TotalSeconds < settings.MinSeconds))
        {
            long start = Stopwatch.GetTimestamp();
            session.Run(input);
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        var stats = LatencyStats.Of(times);
        return new BenchResult(
            network, LayerComplexity.Format([.. session.InputItemShape.Dimensions]), settings.Batch, device.Name, device.DeviceName, threads,
            times.Count, stats.Median, stats.Min, stats.P90, complexity?.TotalMacs, settings.Profile ? session.Profile : null, complexity?.TotalParams);
    }

    /// <summary>The complexity report (MACs, params), or null when the analysis cannot read the graph (an ONNX import it does not cover).</summary>
    private static ComplexityReport? ComplexityOf(ComputeGraph graph)
    {
        try
        {
            return ComplexityAnalyzer.Analyze(graph);
        }
#pragma warning disable CA1031 // The analysis is a report extra: whatever stops it leaves GFLOP/s unknown, not the benchmark failed.
        catch (Exception e) when (e is not OutOfMemoryException)
#pragma warning restore CA1031
        {
            return null;
        }
    }

    /// <summary><c>up to 10 timed runs in 2 s (at least 3) after 2 warm-up</c>, or <c>3 timed runs after 2 warm-up</c> when the minimum is all.</summary>
    private static string RunsText(BenchSettings s) =>
        s.Iterations > MinTimedRuns
            ? Invariant($"up to {s.Iterations} timed runs in {s.MinSeconds:0.###} s (at least {MinTimedRuns}) after {s.Warmup} warm-up")
            : Invariant($"{s.Iterations} timed run{(s.Iterations == 1 ? string.Empty : "s")} after {s.Warmup} warm-up");

    private static string ThreadsText(int? threads) => threads?.ToString(CultureInfo.InvariantCulture) ?? "n/a";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static int Fail(TextWriter error, string message, int code)
    {
        error.WriteLine($"cnngpu bench: {Consoles.OneLine(message)}");
        return code;
    }
}

/// <summary>What <c>cnngpu bench</c> was asked to do.</summary>
/// <param name="Networks">Zoo names, <c>tinynet</c> or ONNX paths.</param>
/// <param name="Backend">A <see cref="BackendFactory.Open"/> name.</param>
/// <param name="Batch">Images per run.</param>
/// <param name="Input">Square input side of zoo networks; null for each network's own.</param>
/// <param name="Iterations">Timed runs per network.</param>
/// <param name="MinSeconds">Time budget of one network's timed runs (at least one run).</param>
/// <param name="Profile">Collect and print per-node timings.</param>
/// <param name="Warmup">Untimed runs after the session is created.</param>
/// <param name="Threads">Worker threads of the cpu backend; null for one per core.</param>
/// <param name="Json">Print one JSON document instead of tables.</param>
/// <param name="Chart">Write the latency chart to this .png or .svg file; null for none.</param>
internal sealed record BenchSettings(
    string[] Networks, string Backend, int Batch, int? Input, int Iterations, double MinSeconds, bool Profile,
    int Warmup = BenchCommand.DefaultWarmup, int? Threads = null, bool Json = false, string? Chart = null);

/// <summary>One network's timing over its timed runs.</summary>
/// <param name="Network">The zoo name, or the ONNX file's name without extension.</param>
/// <param name="Input">The item shape, e.g. <c>3x224x224</c>.</param>
/// <param name="Batch">Images per run.</param>
/// <param name="Backend">The backend's name.</param>
/// <param name="Device">The device's description.</param>
/// <param name="Threads">Worker threads of the backend; null where that does not apply (GPUs, the ILGPU simulator).</param>
/// <param name="Runs">Timed runs.</param>
/// <param name="MedianMs">Median milliseconds per run.</param>
/// <param name="MinMs">Fastest run.</param>
/// <param name="P90Ms">90th percentile (nearest rank).</param>
/// <param name="MacsPerImage">Multiply-accumulates per image; null when the graph could not be analysed.</param>
/// <param name="Profile">Per-node timings when profiling, else null.</param>
/// <param name="Params">Learned parameters; null when the graph could not be analysed.</param>
internal sealed record BenchResult(
    string Network, string Input, int Batch, string Backend, string Device, int? Threads, int Runs,
    double MedianMs, double MinMs, double P90Ms, long? MacsPerImage, IReadOnlyList<NodeTiming>? Profile = null, long? Params = null)
{
    /// <summary>Images per second at the median latency.</summary>
    public double ImagesPerSecond => Batch * 1000.0 / MedianMs;

    /// <summary>Achieved GFLOP/s at the median latency (2 FLOPs per MAC); null when the MACs are unknown.</summary>
    public double? Gflops => MacsPerImage is { } macs ? 2.0 * macs * Batch / (MedianMs * 1e6) : null;
}

/// <summary>Median, minimum and 90th percentile of a set of timings.</summary>
/// <param name="Median">The middle value (the mean of the two middle ones for an even count).</param>
/// <param name="Min">The smallest.</param>
/// <param name="P90">The nearest-rank 90th percentile: the smallest value at least 90% of the values do not exceed.</param>
internal readonly record struct LatencyStats(double Median, double Min, double P90)
{
    /// <summary>The statistics of <paramref name="values"/> (at least one).</summary>
    /// <param name="values">Timings.</param>
    public static LatencyStats Of(IReadOnlyCollection<double> values)
    {
        ArgumentOutOfRangeException.ThrowIfZero(values.Count);
        double[] sorted = [.. values.Order()];
        int n = sorted.Length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[(n / 2) - 1] + sorted[n / 2]) / 2;
        int rank = ((9 * n) + 9) / 10;   // ⌈0.9·n⌉ in integers
        return new LatencyStats(median, sorted[0], sorted[rank - 1]);
    }
}

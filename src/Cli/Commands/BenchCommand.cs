using System.CommandLine;
using System.Diagnostics;
using CnnGpu.Cli.Rendering;
using CnnGpu.Networks;
using CnnGpu.Networks.Complexity;
using CnnGpu.Networks.Zoo;
using CnnGpu.Runtime;
using CnnGpu.Runtime.Backends;
using CnnGpu.Runtime.Session;
using CnnGpu.Runtime.Tensors;
using Spectre.Console;

namespace CnnGpu.Cli.Commands;

/// <summary>
/// <c>cnngpu bench [networks…] [--backend auto] [--batch N] [--input N] [--iterations N] [--min-seconds S] [--profile]</c>:
/// times inference of zoo networks (all of them by default) on one device and prints latency,
/// throughput and achieved GFLOP/s; <c>--profile</c> adds a per-node table.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var networks = new Argument<string[]>("networks") { Description = "Zoo networks or ONNX files (default: the whole zoo).", Arity = ArgumentArity.ZeroOrMore };
        var backend = new Option<string>("--backend", "-b") { Description = "auto | reference | ilgpu-cpu | cuda[:i] | opencl[:i]", DefaultValueFactory = _ => "auto" };
        var batch = new Option<int>("--batch") { Description = "Images per run.", DefaultValueFactory = _ => 1 };
        var input = new Option<int?>("--input") { Description = "Square input side (default: each network's own)." };
        var iterations = new Option<int>("--iterations", "-n") { Description = "Most timed runs per network.", DefaultValueFactory = _ => 20 };
        var minSeconds = new Option<double>("--min-seconds") { Description = "Stop timing a network after this long (at least one timed run).", DefaultValueFactory = _ => 3.0 };
        var profile = new Option<bool>("--profile") { Description = "Per-node timings (device-synchronised after each kernel)." };
        var command = new Command("bench", "Benchmark inference of the zoo networks on the best available device.")
        {
            networks, backend, batch, input, iterations, minSeconds, profile,
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
                parse.GetValue(profile));
            return Run(Consoles.ForOutput(), settings);
        });
        return command;
    }

    internal static int Run(IAnsiConsole console, BenchSettings settings, TextWriter? error = null)
    {
        error ??= Console.Error;
        IBackend device;
        try
        {
            device = BackendFactory.Open(settings.Backend);
        }
        catch (DeviceException e)
        {
            error.WriteLine($"cnngpu bench: {e.Message}");
            return 2;
        }

        using (device)
        {
            console.MarkupLine($"[bold]cnngpu bench[/] on [green]{Markup.Escape(device.DeviceName)}[/], batch {settings.Batch}");
            if (device.Name == "ilgpu-cpu")
            {
                console.MarkupLine("[yellow]No GPU: ILGPU's CPU accelerator simulates a GPU — correct, but orders of magnitude slower than a GPU or a SIMD CPU path.[/]");
            }

            var results = new List<BenchResult>();
            int failures = 0;
            foreach (string name in settings.Networks)
            {
                try
                {
                    results.Add(BenchOne(console, device, name, settings));
                    console.MarkupLine($"  {Markup.Escape(name)}: {results[^1].MedianMs:F2} ms/batch");
                }
                catch (CnnGpuException e)
                {
                    failures++;
                    error.WriteLine($"cnngpu bench: {name}: {e.Message}");
                }
            }

            BenchTable.Render(console, results);
            return failures == 0 ? 0 : 1;
        }
    }

    private static BenchResult BenchOne(IAnsiConsole console, IBackend device, string name, BenchSettings settings)
    {
        var graph = Models.Load(name, new NetworkOptions(settings.Input));
        long macs = ComplexityAnalyzer.Analyze(graph).TotalMacs;
        using var session = new InferenceSession(graph, new SessionOptions { SharedBackend = device, MaxBatch = settings.Batch, Profiling = settings.Profile });
        var input = new Tensor(new TensorShape([settings.Batch, .. session.InputItemShape.Dimensions]));
        var rng = new Random(1);
        for (int i = 0; i < input.Data.Length; i++)
        {
            input.Data[i] = (float)rng.NextDouble();
        }

        if (settings.Batch > 1)
        {
            session.Run(input);   // the session warmed up at batch 1; plans and arenas are per batch size
        }

        session.ResetProfile();
        var times = new List<double>();
        var budget = Stopwatch.StartNew();
        while (times.Count < Math.Max(1, settings.Iterations) && (times.Count == 0 || budget.Elapsed.TotalSeconds < settings.MinSeconds))
        {
            long start = Stopwatch.GetTimestamp();
            session.Run(input);
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        if (settings.Profile && session.Profile is { } profile)
        {
            ProfileTable.Render(console, graph.Name, profile);
        }

        times.Sort();
        return new BenchResult(graph.Name, LayerComplexity.Format([.. session.InputItemShape.Dimensions]), settings.Batch, times.Count, times[times.Count / 2], times[0], macs);
    }
}

/// <summary>What <c>cnngpu bench</c> was asked to do.</summary>
internal sealed record BenchSettings(string[] Networks, string Backend, int Batch, int? Input, int Iterations, double MinSeconds, bool Profile);

/// <summary>One network's timing: median and best of the timed runs.</summary>
internal sealed record BenchResult(string Network, string Input, int Batch, int Runs, double MedianMs, double BestMs, long MacsPerImage)
{
    public double ImagesPerSecond => Batch * 1000.0 / MedianMs;

    public double Gflops => 2.0 * MacsPerImage * Batch / (MedianMs * 1e6);
}

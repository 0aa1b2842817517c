using System.Collections.Concurrent;
using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Session;
using CnnGpu.Runtime.Tensors;
using Perfolizer.Horology;

namespace CnnGpu.Perf;

/// <summary>
/// Each distinct convolution shape of the seed networks as a one-node graph (input, constant weights
/// and bias, one Conv2d with a fused ReLU) in an <see cref="InferenceSession"/> on the <c>cpu</c>
/// backend, batch 1. The summary adds the algorithm the backend chose and GFLOP/s against the FMA peak
/// (the better of start-up and after the run): for the whole run (input and output layout conversions
/// included) and for the convolution node alone (the session's profiler).
/// <c>dotnet run -c Release --project perf/CnnGpu.Perf -- --filter '*ConvShape*' [--threads N] [--shapes r50.,vgg16.c3]</c>.
/// </summary>
[Config(typeof(ConvShapeConfig))]
public class ConvShapeBenchmarks : IDisposable
{
    private InferenceSession? _session;
    private Tensor? _input;

    /// <summary>The shapes (those <c>--shapes</c> selects), as BenchmarkDotNet parameters.</summary>
    public static IEnumerable<ConvShape> Shapes => PerfSettings.Shapes;

    /// <summary>The thread count chosen on the command line (<c>--threads</c>), default all cores.</summary>
    public static IEnumerable<int> ThreadCounts => [PerfSettings.Threads];

    /// <summary>The convolution.</summary>
    [ParamsSource(nameof(Shapes))]
    public ConvShape Shape { get; set; } = ConvShapes.All[0];

    /// <summary>Threads of the cpu backend.</summary>
    [ParamsSource(nameof(ThreadCounts))]
    public int Threads { get; set; } = 1;

    /// <summary>Builds the graph and the session (weights packed, warmed up) and records the plan.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var graph = BuildGraph(Shape);
        _session = new InferenceSession(graph, new SessionOptions { Backend = "cpu", Threads = Threads, MaxBatch = 1, Profiling = true });
        var data = new float[Shape.InChannels * Shape.Size * Shape.Size];
        var random = new Random(1);
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (float)((random.NextDouble() * 2) - 1);
        }

        _input = new Tensor(new TensorShape(1, Shape.InChannels, Shape.Size, Shape.Size), data);
        var plan = _session.PlanFor(1);
        ConvShapeResults.Record(Shape, Threads, plan.FirstOrDefault(s => s.Kind == OpKind.Conv2d)?.Algorithm ?? "?");
    }

    /// <summary>One inference: input conversion, the convolution, output conversion and copy.</summary>
    [Benchmark]
    public Tensor Run() => _session!.Run(_input!);

    /// <summary>Times the convolution node alone (see <see cref="MeasureNodeTime"/>), then releases the session.</summary>
    [GlobalCleanup]
    public void Dispose()
    {
        if (_session is not null)
        {
            if (MeasureNodeTime(_session, _input!) is { } node)
            {
                ConvShapeResults.RecordNodeTime(Shape, Threads, node);
            }

            _session.Dispose();
            _session = null;
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// The convolution node's own time from the session's profiler: the median of five batches' means, each
    /// batch about 40 ms of runs. Measured after BenchmarkDotNet's iterations rather than from its whole
    /// profile, which would fold in the pilot and jitting calls; the median of batches because a shared
    /// machine's neighbours only ever add time.
    /// </summary>
    /// <param name="session">A session with profiling on.</param>
    /// <param name="input">Its input.</param>
    public static TimeSpan? MeasureNodeTime(InferenceSession session, Tensor input)
    {
        ArgumentNullException.ThrowIfNull(session);
        long start = Stopwatch.GetTimestamp();
        session.Run(input);
        double once = Math.Max(Stopwatch.GetElapsedTime(start).TotalSeconds, 1e-6);
        int perBatch = (int)Math.Clamp(Math.Ceiling(0.04 / once), 1, 10_000);
        var means = new List<TimeSpan>();
        for (int batch = 0; batch < 5; batch++)
        {
            session.ResetProfile();
            for (int i = 0; i < perBatch; i++)
            {
                session.Run(input);
            }

            if (session.Profile?.FirstOrDefault(t => t.Kind == OpKind.Conv2d) is { Calls: > 0 } conv)
            {
                means.Add(conv.Mean);
            }
        }

        return means.Count == 0 ? null : means.Order().ElementAt(means.Count / 2);
    }

    /// <summary>The one-node graph: input → Conv2d (bias, fused ReLU) → output.</summary>
    /// <param name="shape">The convolution.</param>
    public static ComputeGraph BuildGraph(ConvShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var builder = new GraphBuilder($"conv-{shape.Name}");
        int x = builder.Input("input", shape.InChannels, shape.Size, shape.Size);
        var attrs = Conv2dAttrs.Square(shape.Kernel, shape.Stride, shape.Pad) with { Activation = FusedActivation.Relu };
        builder.Output(builder.Conv2d("conv", x, shape.OutChannels, attrs));
        return builder.Build();
    }
}

/// <summary>
/// A short in-process job: the full shape set (about 45 cases) finishes in a few minutes instead of the
/// quarter hour BenchmarkDotNet's default job and a process per case would take; in-process also lets the
/// summary read what the benchmarks recorded (plan, node times).
/// </summary>
public sealed class ConvShapeConfig : ManualConfig
{
    /// <summary>The job and the extra columns.</summary>
    public ConvShapeConfig()
    {
        AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(2)
            .WithIterationCount(5)
            .WithIterationTime(TimeInterval.FromMilliseconds(200))
            .WithId("ShortInProcess"));
        AddColumn(ConvShapeColumns.All);
    }
}

/// <summary>What the benchmarks record for the summary columns (in-process, so the host sees it).</summary>
public static class ConvShapeResults
{
    private static readonly ConcurrentDictionary<(ConvShape, int), string> Algorithms = new();
    private static readonly ConcurrentDictionary<(ConvShape, int), TimeSpan> NodeTimes = new();

    /// <summary>Records the plan of a case.</summary>
    /// <param name="shape">The shape.</param>
    /// <param name="threads">Threads.</param>
    /// <param name="algorithm">The convolution's algorithm.</param>
    public static void Record(ConvShape shape, int threads, string algorithm) => Algorithms[(shape, threads)] = algorithm;

    /// <summary>Records the convolution node's mean time.</summary>
    /// <param name="shape">The shape.</param>
    /// <param name="threads">Threads.</param>
    /// <param name="mean">The node's time per run.</param>
    public static void RecordNodeTime(ConvShape shape, int threads, TimeSpan mean) => NodeTimes[(shape, threads)] = mean;

    /// <summary>The algorithm of a case, when it ran in this process.</summary>
    /// <param name="shape">The shape.</param>
    /// <param name="threads">Threads.</param>
    public static string? AlgorithmOf(ConvShape shape, int threads) => Algorithms.GetValueOrDefault((shape, threads));

    /// <summary>The node time of a case, when it ran in this process.</summary>
    /// <param name="shape">The shape.</param>
    /// <param name="threads">Threads.</param>
    public static TimeSpan? NodeTimeOf(ConvShape shape, int threads) => NodeTimes.TryGetValue((shape, threads), out var t) ? t : null;
}

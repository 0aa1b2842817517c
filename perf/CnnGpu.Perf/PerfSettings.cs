using System.Collections.Concurrent;
using System.Globalization;
using CnnGpu.Perf.Common;

namespace CnnGpu.Perf;

/// <summary>Settings the command line passes to the benchmarks, and the FMA peaks they are measured against.</summary>
public static class PerfSettings
{
    /// <summary>
    /// Carries <c>--threads</c> to the benchmarks. An environment variable rather than a static field so that
    /// it also reaches benchmark processes BenchmarkDotNet starts when a job is run out of process.
    /// </summary>
    public const string ThreadsVariable = "CNNGPU_PERF_THREADS";

    /// <summary>Carries <c>--shapes</c> (comma-separated parts of shape names) to the benchmarks, like <see cref="ThreadsVariable"/>.</summary>
    public const string ShapesVariable = "CNNGPU_PERF_SHAPES";

    private static readonly ConcurrentDictionary<int, FmaPeakResult> Peaks = new();
    private static readonly ConcurrentDictionary<int, FmaPeakResult> FinalPeaks = new();

    /// <summary>Threads of the cpu backend in the convolution benchmarks (default: every core).</summary>
    public static int Threads =>
        int.TryParse(Environment.GetEnvironmentVariable(ThreadsVariable), NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0
            ? n
            : Environment.ProcessorCount;

    /// <summary>The convolution shapes to run: those whose name contains one of the <c>--shapes</c> parts (all without the option).</summary>
    public static IReadOnlyList<ConvShape> Shapes
    {
        get
        {
            string[] parts = (Environment.GetEnvironmentVariable(ShapesVariable) ?? string.Empty)
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return parts.Length == 0
                ? ConvShapes.All
                : [.. ConvShapes.All.Where(s => parts.Any(p => s.Name.Contains(p, StringComparison.OrdinalIgnoreCase)))];
        }
    }

    /// <summary>The FMA peak on <paramref name="threads"/> threads measured at start-up (once per process).</summary>
    /// <param name="threads">Threads.</param>
    public static FmaPeakResult PeakFor(int threads) => Peaks.GetOrAdd(threads, t => FmaPeak.Measure(t));

    /// <summary>
    /// The peak the summary divides by: the better of the start-up measurement and one taken the first time
    /// this is asked for. BenchmarkDotNet computes its columns after every benchmark has run, so that second
    /// measurement comes after the run; a neighbour that disturbed one of the two then no longer sets the
    /// scale (on a shared machine a disturbed peak made kernels look faster than the hardware).
    /// </summary>
    /// <param name="threads">Threads.</param>
    public static FmaPeakResult FinalPeakFor(int threads) => FinalPeaks.GetOrAdd(threads, t => PeakFor(t).Max(FmaPeak.Measure(t)));
}

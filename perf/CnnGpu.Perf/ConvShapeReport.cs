using System.Globalization;
using BenchmarkDotNet.Reports;

namespace CnnGpu.Perf;

/// <summary>A compact Markdown table of the convolution benchmarks, printed after BenchmarkDotNet's own summary (easier to paste into an issue).</summary>
public static class ConvShapeReport
{
    /// <summary>Prints one row per case, in the shapes' order.</summary>
    /// <param name="reports">BenchmarkDotNet's reports of <see cref="ConvShapeBenchmarks"/> cases.</param>
    public static void Print(IReadOnlyList<BenchmarkReport> reports)
    {
        ArgumentNullException.ThrowIfNull(reports);
        var c = CultureInfo.InvariantCulture;
        var order = ConvShapes.All.Select((s, i) => (s, i)).ToDictionary(p => p.s, p => p.i);
        Console.WriteLine();
        Console.WriteLine("Convolution shapes on the cpu backend, batch 1 (run = whole session.Run incl. layout conversions; conv = the node alone):");
        Console.WriteLine();
        Console.WriteLine("| shape | k/s | in→out | size | threads | algorithm | run median ms | run GFLOP/s | run % peak | conv ms | conv GFLOP/s | conv % peak |");
        Console.WriteLine("|---|---|---|---:|---:|---|---:|---:|---:|---:|---:|---:|");
        var rows = reports
            .Select(r => (Report: r, Shape: r.BenchmarkCase.Parameters["Shape"] as ConvShape, Threads: r.BenchmarkCase.Parameters["Threads"] as int? ?? 0))
            .Where(x => x.Shape is not null)
            .OrderBy(x => order.GetValueOrDefault(x.Shape!, int.MaxValue))
            .ThenBy(x => x.Threads);
        foreach (var (report, shape, threads) in rows)
        {
            double peak = PerfSettings.FinalPeakFor(threads).GflopsPerSecond;
            string algorithm = ConvShapeResults.AlgorithmOf(shape!, threads) ?? "n/a";
            string run = report.ResultStatistics?.Median is { } median
                ? string.Create(c, $"{median / 1e6:F3} | {ConvShapeColumns.Gflops(shape!, median):F1} | {100 * ConvShapeColumns.Gflops(shape!, median) / peak:F0}%")
                : "n/a | n/a | n/a";
            string node = ConvShapeResults.NodeTimeOf(shape!, threads) is { } t
                ? string.Create(c, $"{t.TotalMilliseconds:F3} | {ConvShapeColumns.Gflops(shape!, t.TotalNanoseconds):F1} | {100 * ConvShapeColumns.Gflops(shape!, t.TotalNanoseconds) / peak:F0}%")
                : "n/a | n/a | n/a";
            Console.WriteLine(string.Create(c,
                $"| {shape!.Name} | {shape.Kernel}x{shape.Kernel}/{shape.Stride} | {shape.InChannels}→{shape.OutChannels} | {shape.Size} | {threads} | {algorithm} | {run} | {node} |"));
        }

        Console.WriteLine();
    }
}

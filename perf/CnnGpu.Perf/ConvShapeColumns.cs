using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace CnnGpu.Perf;

/// <summary>The summary columns of <see cref="ConvShapeBenchmarks"/>: algorithm, work, GFLOP/s and % of the FMA peak.</summary>
public static class ConvShapeColumns
{
    /// <summary>Every column, in display order.</summary>
    public static IColumn[] All { get; } =
    [
        new Column("Algorithm", "the convolution algorithm the cpu backend planned (session.PlanFor(1))", false,
            (_, c) => ConvShapeResults.AlgorithmOf(c.Shape, c.Threads) ?? "n/a (ran out of process)"),
        new Column("MFLOP", "2·MACs of one image, millions", true,
            (_, c) => (2.0 * c.Shape.Macs / 1e6).ToString("F1", CultureInfo.InvariantCulture)),
        new Column("GFLOP/s", "2·MACs / median of the whole session.Run (layout conversions and output copy included)", true,
            (median, c) => median is { } m ? Gflops(c.Shape, m).ToString("F1", CultureInfo.InvariantCulture) : "n/a"),
        new Column("% peak", "GFLOP/s against the FMA peak on the same thread count (best of before and after the run)", true,
            (median, c) => median is { } m ? Percent(Gflops(c.Shape, m), c.Threads) : "n/a"),
        new Column("conv GFLOP/s", "2·MACs / the convolution node's own time (session profiler; median of 5 batches after the run)", true,
            (_, c) => ConvShapeResults.NodeTimeOf(c.Shape, c.Threads) is { } t ? Gflops(c.Shape, t.TotalNanoseconds).ToString("F1", CultureInfo.InvariantCulture) : "n/a"),
        new Column("conv % peak", "conv GFLOP/s against the FMA peak", true,
            (_, c) => ConvShapeResults.NodeTimeOf(c.Shape, c.Threads) is { } t ? Percent(Gflops(c.Shape, t.TotalNanoseconds), c.Threads) : "n/a"),
    ];

    /// <summary>GFLOP/s of one run of <paramref name="shape"/> taking <paramref name="nanoseconds"/>.</summary>
    /// <param name="shape">The convolution.</param>
    /// <param name="nanoseconds">Time per run.</param>
    public static double Gflops(ConvShape shape, double nanoseconds) => 2.0 * shape.Macs / nanoseconds;

    /// <summary>The case's parameters as the columns need them.</summary>
    /// <param name="Shape">The shape.</param>
    /// <param name="Threads">Threads.</param>
    public readonly record struct CaseKey(ConvShape Shape, int Threads);

    private static string Percent(double gflops, int threads) =>
        (100 * gflops / PerfSettings.FinalPeakFor(threads).GflopsPerSecond).ToString("F0", CultureInfo.InvariantCulture) + "%";

    private sealed class Column(string name, string legend, bool numeric, Func<double?, CaseKey, string> value) : IColumn
    {
        public string Id => $"{nameof(ConvShapeColumns)}.{name}";

        public string ColumnName => name;

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => numeric;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => legend;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => summary.BenchmarksCases.Any(c => c.Descriptor.Type == typeof(ConvShapeBenchmarks));

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            if (benchmarkCase.Parameters["Shape"] is not ConvShape shape || benchmarkCase.Parameters["Threads"] is not int threads)
            {
                return "-";
            }

            double? median = summary[benchmarkCase]?.ResultStatistics?.Median;
            return value(median, new CaseKey(shape, threads));
        }
    }
}

using System.Globalization;
using BenchmarkDotNet.Running;
using CnnGpu.Perf.Common;

namespace CnnGpu.Perf;

/// <summary>
/// Runs the benchmarks: <c>dotnet run -c Release --project perf/CnnGpu.Perf -- --filter '*' [--threads N] [--shapes a,b]</c>;
/// <c>-- --fma-peak</c> only measures the FMA peak. <c>--threads</c> sets the cpu backend's threads in
/// <see cref="ConvShapeBenchmarks"/> (default: every core), <c>--shapes</c> keeps the shapes whose names
/// contain one of the comma-separated parts; every other argument goes to BenchmarkDotNet.
/// </summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    /// <param name="args">See the type's summary.</param>
    public static int Main(string[] args)
    {
        var rest = new List<string>();
        bool peakOnly = false;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--threads" && i + 1 < args.Length
                && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out int threads) && threads > 0)
            {
                Environment.SetEnvironmentVariable(PerfSettings.ThreadsVariable, threads.ToString(CultureInfo.InvariantCulture));
                i++;
            }
            else if (args[i] == "--threads")
            {
                Console.Error.WriteLine("error: --threads takes a positive whole number");
                return 2;
            }
            else if (args[i] == "--shapes" && i + 1 < args.Length)
            {
                Environment.SetEnvironmentVariable(PerfSettings.ShapesVariable, args[++i]);
                if (PerfSettings.Shapes.Count == 0)
                {
                    Console.Error.WriteLine($"error: --shapes {args[i]} matches no shape; names: {string.Join(", ", ConvShapes.All.Select(s => s.Name))}");
                    return 2;
                }
            }
            else if (args[i] == "--fma-peak")
            {
                peakOnly = true;
            }
            else
            {
                rest.Add(args[i]);
            }
        }

        // Measured before the benchmarks, while nothing else of ours runs; the summary divides by the
        // better of these and a second measurement after the run.
        Console.WriteLine($"Machine: {MachineInfo.Summary}");
        PrintPeaks("at start-up", PerfSettings.PeakFor);
        if (peakOnly)
        {
            return 0;
        }

        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run([.. rest]);
        var convCases = summaries
            .SelectMany(s => s.Reports.Select(r => (Summary: s, Report: r)))
            .Where(x => x.Report.BenchmarkCase.Descriptor.Type == typeof(ConvShapeBenchmarks))
            .ToList();
        if (convCases.Count > 0)
        {
            ConvShapeReport.Print(convCases.Select(x => x.Report).ToList());
            PrintPeaks("the % peak columns divide by (best of start-up and after the run)", PerfSettings.FinalPeakFor);
        }

        return 0;
    }

    private static void PrintPeaks(string when, Func<int, FmaPeakResult> peakFor)
    {
        foreach (int threads in new[] { 1, PerfSettings.Threads, Environment.ProcessorCount }.Distinct().Order())
        {
            var peak = peakFor(threads);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"FMA peak {when} ({peak.Loop}, best of {peak.Runs} runs, {threads} thread{(threads == 1 ? "" : "s")}): {peak.GflopsPerSecond:F1} GFLOP/s"));
        }
    }
}

using System.Globalization;
using CnnGpu.Cli.Commands;
using Spectre.Console;

namespace CnnGpu.Cli.Rendering;

/// <summary>The summary table of <c>cnngpu bench</c>.</summary>
internal static class BenchTable
{
    /// <summary>Writes one row per result, fitted to the console's width.</summary>
    /// <param name="console">Where to write.</param>
    /// <param name="results">The results.</param>
    public static void Render(IAnsiConsole console, IReadOnlyList<BenchResult> results)
    {
        // Narrow consoles lose the batch first (the header line states it), then the input, min and p90, and G MACs.
        var table = new FittedTable()
            .Column("network")
            .Column("input", drop: 2)
            .Column("batch", right: true, drop: 1)
            .Column("runs", right: true)
            .Column("median ms", right: true)
            .Column("min ms", right: true, drop: 3)
            .Column("p90 ms", right: true, drop: 3)
            .Column("img/s", right: true)
            .Column("GMACs/img", right: true, drop: 4)
            .Column("GFLOP/s", right: true);
        foreach (var r in results)
        {
            table.Row(
                Markup.Escape(r.Network), r.Input, Format(r.Batch), Format(r.Runs), Format(r.MedianMs, "F2"), Format(r.MinMs, "F2"), Format(r.P90Ms, "F2"),
                Format(r.ImagesPerSecond, "F1"), Format(r.MacsPerImage / 1e9, "F2"), Format(r.Gflops, "F1"));
        }

        table.Write(console);
    }

    private static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The value, or <c>-</c> when it is unknown (MACs of a graph the analysis cannot read).</summary>
    private static string Format(double? value, string format) => value?.ToString(format, CultureInfo.InvariantCulture) ?? "-";
}

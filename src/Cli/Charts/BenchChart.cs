using System.Globalization;
using CnnGpu.Cli.Commands;
using Spectre.Console;

namespace CnnGpu.Cli.Charts;

/// <summary><c>cnngpu bench --chart</c>: the complexity figure with the measured median latency on the y axis.</summary>
internal static class BenchChart
{
    /// <summary>
    /// Writes the chart of the results whose MACs and params are known (the others are named in a warning).
    /// Returns null on success, or the number of failures to add (1: nothing to chart, or the file could not be written).
    /// </summary>
    /// <param name="console">Where the "wrote" line goes (not with <paramref name="json"/>).</param>
    /// <param name="path">The .png or .svg file.</param>
    /// <param name="results">The benchmark results.</param>
    /// <param name="json">Stdout carries only the JSON document.</param>
    /// <param name="error">Where warnings and errors go.</param>
    public static int? Save(IAnsiConsole console, string path, IReadOnlyList<BenchResult> results, bool json, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(error);
        var charted = results.Where(r => r.MacsPerImage is not null && r.Params is not null).ToList();
        var missing = results.Where(r => r.MacsPerImage is null || r.Params is null).Select(r => r.Network).ToList();
        if (missing.Count > 0)
        {
            error.WriteLine($"cnngpu bench: warning: MACs or params unknown for {string.Join(", ", missing)}; left out of the chart.");
        }

        if (charted.Count == 0)
        {
            error.WriteLine("cnngpu bench: nothing to chart: no network ran with known MACs and params.");
            return 1;
        }

        var first = charted[0];
        var points = charted.Select(r => new ChartPoint(r.Network, r.MacsPerImage!.Value / 1e9, r.MedianMs, r.Params!.Value)).ToList();
        try
        {
            ComplexityChart.Save(
                path,
                $"Comparing model complexity: latency measured on {first.Backend}",
                string.Create(CultureInfo.InvariantCulture, $"median latency (ms per batch of {first.Batch})"),
                points);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"cnngpu bench: cannot write the chart: {e.Message}");
            return 1;
        }

        if (!json)
        {
            console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {path}: {points.Count} network{(points.Count == 1 ? string.Empty : "s")}"));
        }

        return null;
    }
}

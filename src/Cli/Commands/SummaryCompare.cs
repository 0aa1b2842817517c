using System.Globalization;
using CnnGpu.Cli.Charts;
using CnnGpu.Cli.Rendering;
using CnnGpu.Networks.Complexity;
using CnnGpu.Networks.Zoo;
using CnnGpu.Runtime.Graph;
using Spectre.Console;

namespace CnnGpu.Cli.Commands;

/// <summary>
/// <c>cnngpu summary [networks…] --compare [--json]</c> and <c>cnngpu summary [networks…] --chart out.png|out.svg</c>:
/// the whole zoo (or the named networks) side by side, and the lecture's complexity figure (x: G MACs, y: the
/// papers' top-1 error, bubble area: params). Only networks with a published top-1 error can be charted; the
/// others are named in a warning on stderr.
/// </summary>
internal static class SummaryCompare
{
    /// <summary>Runs the comparison and/or the chart; returns the exit code (<see cref="ExitCodes"/>).</summary>
    /// <param name="console">Where the table (or JSON) goes.</param>
    /// <param name="networks">Zoo names, tinynet or ONNX files; empty for the whole zoo.</param>
    /// <param name="compare">Print the side-by-side table.</param>
    /// <param name="chart">Write the chart here (.png or .svg); null for none.</param>
    /// <param name="json">The table as JSON (stdout carries nothing else).</param>
    /// <param name="strideOnFirst1x1">ResNet v1 (paper) instead of v1.5.</param>
    /// <param name="error">Where errors and warnings go.</param>
    /// <param name="verbose">Full exceptions instead of one line.</param>
    internal static int Run(
        IAnsiConsole console, IReadOnlyList<string> networks, bool compare, string? chart, bool json, bool strideOnFirst1x1, TextWriter error, bool verbose = false)
    {
        IReadOnlyList<string> names = networks.Count > 0 ? networks : NetworkZoo.Names;
        string? usage = names.Select(Arguments.UnknownModel).FirstOrDefault(m => m is not null)
            ?? (chart is null ? null : ComplexityChart.Unwritable("--chart", chart))
            ?? (json && !compare ? "--json prints the --compare table; add --compare." : null);
        if (usage is not null)
        {
            return CliErrors.Fail(error, "summary", usage, ExitCodes.Usage);
        }

        try
        {
            var rows = names.Select(n => Compare(n, strideOnFirst1x1)).ToList();
            if (compare && json)
            {
                // Raw writer: Spectre would wrap long lines; for the terminal this is Console.Out.
                console.Profile.Out.Writer.WriteLine(CompareTable.Json(rows));
            }
            else if (compare)
            {
                CompareTable.Render(console, rows);
            }

            return chart is null ? ExitCodes.Success : Chart(console, rows, chart, json, error);
        }
#pragma warning disable CA1031 // The CLI boundary: a network that cannot be analysed or a chart that cannot be written is one line on stderr.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return CliErrors.Fail(error, "summary", e, verbose);
        }
    }

    /// <summary>Writes the chart of the rows that have a published top-1 error; the others are named in a warning.</summary>
    private static int Chart(IAnsiConsole console, List<ComparedNetwork> rows, string path, bool json, TextWriter error)
    {
        var charted = rows.Where(r => r.Paper?.Top1Error is not null).ToList();
        var missing = rows.Where(r => r.Paper?.Top1Error is null).Select(r => r.Network).ToList();
        if (charted.Count == 0)
        {
            return CliErrors.Fail(error, "summary", $"nothing to chart: the seed gives no top-1 error for {string.Join(", ", missing)}.", ExitCodes.Usage);
        }

        if (missing.Count > 0)
        {
            error.WriteLine($"cnngpu summary: warning: no published top-1 error for {string.Join(", ", missing)}; left out of the chart.");
        }

        var points = charted.Select(r => new ChartPoint(r.Network, r.Report.TotalMacs / 1e9, r.Paper!.Top1Error!.Value, r.Report.TotalParams)).ToList();
        ComplexityChart.Save(path, "Comparing model complexity (ImageNet, papers' single-crop top-1 error)", "top-1 error (%)", points);
        if (!json)
        {
            console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {path}: {points.Count} network{(points.Count == 1 ? string.Empty : "s")}"));
        }

        return ExitCodes.Success;
    }

    private static ComparedNetwork Compare(string name, bool strideOnFirst1x1)
    {
        var graph = Arguments.Load(name, new NetworkOptions(StrideOnFirst1x1: strideOnFirst1x1, Weights: WeightInitializer.ShapesOnly));
        return new ComparedNetwork(graph.Name, ComplexityAnalyzer.Analyze(graph), Arguments.IsZooBuild(name) ? PaperFigures.For(name) : null);
    }
}

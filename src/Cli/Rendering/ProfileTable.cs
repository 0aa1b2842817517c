using System.Globalization;
using CnnGpu.Networks.Complexity;
using CnnGpu.Runtime.Execution;
using CnnGpu.Runtime.Graph;
using Spectre.Console;

namespace CnnGpu.Cli.Rendering;

/// <summary>Per-step timings of a profiled session in execution order, with each step's algorithm and share; then totals per op.</summary>
internal static class ProfileTable
{
    /// <summary>The op column: the op's name, or <c>reorder</c> for a layout conversion the plan added.</summary>
    public static string OpName(OpKind? kind) => kind is { } k ? ComplexityAnalyzer.OpName(k) : "reorder";

    /// <summary>Writes the per-node table and the per-op totals, fitted to the console's width.</summary>
    /// <param name="console">Where to write.</param>
    /// <param name="network">The network's name.</param>
    /// <param name="profile">The timings, in execution order.</param>
    public static void Render(IAnsiConsole console, string network, IReadOnlyList<NodeTiming> profile)
    {
        double total = profile.Sum(p => p.Mean.TotalMilliseconds);
        var nodes = new FittedTable()
            .Title($"[bold]{Markup.Escape(network)}[/] per-node profile (mean per run)")
            .Column("node")
            .Column("op", drop: 2)
            .Column("algorithm")
            .Column("calls", right: true, drop: 1)
            .Column("ms", right: true)
            .Column("%", right: true);
        foreach (var p in profile)
        {
            double ms = p.Mean.TotalMilliseconds;
            nodes.Row(Markup.Escape(p.Name), OpNames.Short(OpName(p.Kind)), Markup.Escape(p.Algorithm), p.Calls.ToString(CultureInfo.InvariantCulture),
                ms.ToString("F3", CultureInfo.InvariantCulture), (100 * ms / total).ToString("F1", CultureInfo.InvariantCulture));
        }

        nodes.Write(console);
        var byOp = new FittedTable().Title("per op")
            .Column("op")
            .Column("nodes", right: true)
            .Column("ms", right: true)
            .Column("%", right: true);
        foreach (var group in profile.GroupBy(p => OpName(p.Kind)).OrderByDescending(g => g.Sum(p => p.Mean.TotalMilliseconds)))
        {
            double ms = group.Sum(p => p.Mean.TotalMilliseconds);
            byOp.Row(OpNames.Short(group.Key), group.Count().ToString(CultureInfo.InvariantCulture),
                ms.ToString("F3", CultureInfo.InvariantCulture), (100 * ms / total).ToString("F1", CultureInfo.InvariantCulture));
        }

        byOp.Row("[bold]total[/]", profile.Count.ToString(CultureInfo.InvariantCulture), total.ToString("F3", CultureInfo.InvariantCulture), "100.0");
        byOp.Write(console);
    }
}

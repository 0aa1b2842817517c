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

    public static void Render(IAnsiConsole console, string network, IReadOnlyList<NodeTiming> profile)
    {
        double total = profile.Sum(p => p.Mean.TotalMilliseconds);
        var nodes = new Table().Border(TableBorder.Simple).Title($"[bold]{Markup.Escape(network)}[/] per-node profile (mean per run)");
        nodes.AddColumn("node");
        nodes.AddColumn("op");
        nodes.AddColumn("algorithm");
        nodes.AddColumn(new TableColumn("calls").RightAligned());
        nodes.AddColumn(new TableColumn("ms").RightAligned());
        nodes.AddColumn(new TableColumn("%").RightAligned());
        foreach (var p in profile)
        {
            double ms = p.Mean.TotalMilliseconds;
            nodes.AddRow(Markup.Escape(p.Name), OpName(p.Kind), Markup.Escape(p.Algorithm), p.Calls.ToString(CultureInfo.InvariantCulture),
                ms.ToString("F3", CultureInfo.InvariantCulture), (100 * ms / total).ToString("F1", CultureInfo.InvariantCulture));
        }

        console.Write(nodes);
        var byOp = new Table().Border(TableBorder.Simple).Title("per op");
        byOp.AddColumn("op");
        byOp.AddColumn(new TableColumn("nodes").RightAligned());
        byOp.AddColumn(new TableColumn("ms").RightAligned());
        byOp.AddColumn(new TableColumn("%").RightAligned());
        foreach (var group in profile.GroupBy(p => OpName(p.Kind)).OrderByDescending(g => g.Sum(p => p.Mean.TotalMilliseconds)))
        {
            double ms = group.Sum(p => p.Mean.TotalMilliseconds);
            byOp.AddRow(group.Key, group.Count().ToString(CultureInfo.InvariantCulture),
                ms.ToString("F3", CultureInfo.InvariantCulture), (100 * ms / total).ToString("F1", CultureInfo.InvariantCulture));
        }

        byOp.AddRow("[bold]total[/]", profile.Count.ToString(CultureInfo.InvariantCulture), total.ToString("F3", CultureInfo.InvariantCulture), "100.0");
        console.Write(byOp);
    }
}

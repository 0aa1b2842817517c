using System.Globalization;
using CnnGpu.Networks.Complexity;
using CnnGpu.Runtime.Execution;
using Spectre.Console;

namespace CnnGpu.Cli.Rendering;

/// <summary>Per-node timings of a profiled session, in graph order, with each node's share; then totals per op.</summary>
internal static class ProfileTable
{
    public static void Render(IAnsiConsole console, string network, IReadOnlyList<NodeTiming> profile)
    {
        double total = profile.Sum(p => p.Mean.TotalMilliseconds);
        var nodes = new Table().Border(TableBorder.Simple).Title($"[bold]{Markup.Escape(network)}[/] per-node profile (mean per run)");
        nodes.AddColumn("node");
        nodes.AddColumn("op");
        nodes.AddColumn(new TableColumn("calls").RightAligned());
        nodes.AddColumn(new TableColumn("ms").RightAligned());
        nodes.AddColumn(new TableColumn("%").RightAligned());
        foreach (var p in profile)
        {
            double ms = p.Mean.TotalMilliseconds;
            nodes.AddRow(Markup.Escape(p.Name), ComplexityAnalyzer.OpName(p.Kind), p.Calls.ToString(CultureInfo.InvariantCulture),
                ms.ToString("F3", CultureInfo.InvariantCulture), (100 * ms / total).ToString("F1", CultureInfo.InvariantCulture));
        }

        console.Write(nodes);
        var byOp = new Table().Border(TableBorder.Simple).Title("per op");
        byOp.AddColumn("op");
        byOp.AddColumn(new TableColumn("nodes").RightAligned());
        byOp.AddColumn(new TableColumn("ms").RightAligned());
        byOp.AddColumn(new TableColumn("%").RightAligned());
        foreach (var group in profile.GroupBy(p => p.Kind).OrderByDescending(g => g.Sum(p => p.Mean.TotalMilliseconds)))
        {
            double ms = group.Sum(p => p.Mean.TotalMilliseconds);
            byOp.AddRow(ComplexityAnalyzer.OpName(group.Key), group.Count().ToString(CultureInfo.InvariantCulture),
                ms.ToString("F3", CultureInfo.InvariantCulture), (100 * ms / total).ToString("F1", CultureInfo.InvariantCulture));
        }

        byOp.AddRow("[bold]total[/]", profile.Count.ToString(CultureInfo.InvariantCulture), total.ToString("F3", CultureInfo.InvariantCulture), "100.0");
        console.Write(byOp);
    }
}

using CnnGpu.Networks.Complexity;
using Spectre.Console;

namespace CnnGpu.Cli.Rendering;

/// <summary>
/// Renders a complexity report like the papers' tables: one row per layer, grouped under its block (paper-table
/// row), with totals. On a narrow console the input column goes first (it is the previous row's output along a
/// chain), then the per-layer KB (the header gives the total), then the receptive field, and for the long layer
/// names of the Inception family the kernel and the per-layer params too; JSON keeps them all.
/// </summary>
internal static class ComplexityTable
{
    public static void Render(IAnsiConsole console, ComplexityReport report)
    {
        HeaderLine.Write(
            console,
            $"[bold]{Markup.Escape(report.Network)}[/]",
            $"input {LayerComplexity.Format(report.Input)}",
            $"params [bold]{Units.Count(report.TotalParams)}[/]",
            $"MACs [bold]{Units.Count(report.TotalMacs)}[/]",
            $"activations {Units.Megabytes(report.TotalActivationBytes)} (one image, float32)");

        var table = new FittedTable()
            .Column("layer")
            .Column("op")
            .Column("input", right: true, drop: 1)
            .Column("k/s/p", drop: 4)
            .Column("output", right: true)
            .Column("KB", right: true, drop: 2)
            .Column("params", right: true, drop: 5)
            .Column("MACs", right: true)
            .Column("RF", right: true, drop: 3);

        string? block = null;
        foreach (var l in report.Layers)
        {
            if (l.Block != block)
            {
                block = l.Block;
                table.Row($"[bold yellow]{Markup.Escape(block)}[/]", string.Empty, string.Empty, string.Empty, string.Empty, string.Empty, string.Empty, string.Empty, string.Empty);
            }

            table.Row(
                Markup.Escape(" " + l.Name),
                OpNames.Short(l.Op),
                l.InputText,
                l.Kernel is null ? string.Empty : Markup.Escape($"{l.Kernel}/{l.Stride}/{l.Pad}"),
                l.OutputText,
                Units.Kilobytes(l.ActivationBytes),
                Units.Count(l.Params),
                Units.Count(l.Macs),
                l.ReceptiveFieldText);
        }

        table.EmptyRow();
        table.Row("[bold]total[/]", string.Empty, string.Empty, string.Empty, string.Empty,
            Units.Kilobytes(report.TotalActivationBytes), $"[bold]{Units.Count(report.TotalParams)}[/]", $"[bold]{Units.Count(report.TotalMacs)}[/]", string.Empty);
        table.Write(console);
        console.MarkupLine($"[dim]RF: local receptive field in input rows; {LayerComplexity.GlobalContextMark} = also sees the whole image[/]");
    }
}

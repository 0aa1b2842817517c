using CnnGpu.Networks.Complexity;
using Spectre.Console;

namespace CnnGpu.Cli.Rendering;

/// <summary>
/// Renders a complexity report like the papers' tables: one row per layer, grouped under its
/// block (paper-table row), with totals. Sized for a 100-column terminal.
/// </summary>
internal static class ComplexityTable
{
    private static readonly Dictionary<string, string> ShortOps = new(StringComparer.Ordinal)
    {
        ["globalavgpool"] = "gap",
        ["channelscale"] = "chscale",
        ["batchnorm"] = "bn",
    };

    public static void Render(IAnsiConsole console, ComplexityReport report)
    {
        console.MarkupLine(
            $"[bold]{Markup.Escape(report.Network)}[/]  input {LayerComplexity.Format(report.Input)}  " +
            $"params [bold]{Units.Count(report.TotalParams)}[/]  MACs [bold]{Units.Count(report.TotalMacs)}[/]  " +
            $"activations {Units.Megabytes(report.TotalActivationBytes)} (one image, float32)");

        var table = new Table().Border(TableBorder.Simple);
        AddColumn(table, "layer", left: true);
        AddColumn(table, "op", left: true);
        AddColumn(table, "input", left: false);
        AddColumn(table, "k/s/p", left: true);
        AddColumn(table, "output", left: false);
        AddColumn(table, "KB", left: false);
        AddColumn(table, "params", left: false);
        AddColumn(table, "MACs", left: false);
        AddColumn(table, "RF", left: false);

        string? block = null;
        foreach (var l in report.Layers)
        {
            if (l.Block != block)
            {
                block = l.Block;
                table.AddRow($"[bold yellow]{Markup.Escape(block)}[/]", string.Empty, string.Empty, string.Empty, string.Empty, string.Empty, string.Empty, string.Empty, string.Empty);
            }

            table.AddRow(
                Markup.Escape(" " + l.Name),
                ShortOps.GetValueOrDefault(l.Op, l.Op),
                l.InputText,
                l.Kernel is null ? string.Empty : Markup.Escape($"{l.Kernel}/{l.Stride}/{l.Pad}"),
                l.OutputText,
                Units.Kilobytes(l.ActivationBytes),
                Units.Count(l.Params),
                Units.Count(l.Macs),
                l.ReceptiveFieldText);
        }

        table.AddEmptyRow();
        table.AddRow("[bold]total[/]", string.Empty, string.Empty, string.Empty, string.Empty,
            Units.Kilobytes(report.TotalActivationBytes), $"[bold]{Units.Count(report.TotalParams)}[/]", $"[bold]{Units.Count(report.TotalMacs)}[/]", string.Empty);
        console.Write(table);
        console.MarkupLine($"[dim]RF: local receptive field in input rows; {LayerComplexity.GlobalContextMark} = also sees the whole image (global pooling)[/]");
    }

    private static void AddColumn(Table table, string header, bool left)
    {
        var column = new TableColumn(header).PadLeft(0).PadRight(1).NoWrap();
        table.AddColumn(left ? column.LeftAligned() : column.RightAligned());
    }
}

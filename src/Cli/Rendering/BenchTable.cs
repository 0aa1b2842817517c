using System.Globalization;
using CnnGpu.Cli.Commands;
using Spectre.Console;

namespace CnnGpu.Cli.Rendering;

/// <summary>The summary table of <c>cnngpu bench</c>.</summary>
internal static class BenchTable
{
    public static void Render(IAnsiConsole console, IReadOnlyList<BenchResult> results)
    {
        var table = new Table().Border(TableBorder.Simple);
        table.AddColumn("network");
        table.AddColumn("input");
        table.AddColumn(new TableColumn("batch").RightAligned());
        table.AddColumn(new TableColumn("runs").RightAligned());
        table.AddColumn(new TableColumn("median ms").RightAligned());
        table.AddColumn(new TableColumn("min ms").RightAligned());
        table.AddColumn(new TableColumn("p90 ms").RightAligned());
        table.AddColumn(new TableColumn("img/s").RightAligned());
        table.AddColumn(new TableColumn("GMACs/img").RightAligned());
        table.AddColumn(new TableColumn("GFLOP/s").RightAligned());
        foreach (var r in results)
        {
            table.AddRow(
                Markup.Escape(r.Network), r.Input, Format(r.Batch), Format(r.Runs), Format(r.MedianMs, "F2"), Format(r.MinMs, "F2"), Format(r.P90Ms, "F2"),
                Format(r.ImagesPerSecond, "F1"), Format(r.MacsPerImage / 1e9, "F2"), Format(r.Gflops, "F1"));
        }

        console.Write(table);
    }

    private static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The value, or <c>-</c> when it is unknown (MACs of a graph the analysis cannot read).</summary>
    private static string Format(double? value, string format) => value?.ToString(format, CultureInfo.InvariantCulture) ?? "-";
}

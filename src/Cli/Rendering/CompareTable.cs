using System.Globalization;
using System.Text;
using System.Text.Json;
using CnnGpu.Networks.Complexity;
using CnnGpu.Networks.Zoo;
using Spectre.Console;

namespace CnnGpu.Cli.Rendering;

/// <summary>One network of <c>cnngpu summary --compare</c>: its computed complexity beside the paper's errors.</summary>
/// <param name="Network">The network's name.</param>
/// <param name="Report">Its complexity report (one image).</param>
/// <param name="Paper">The paper's figures, or null where the seed gives none.</param>
internal sealed record ComparedNetwork(string Network, ComplexityReport Report, PaperFigure? Paper);

/// <summary>
/// <c>cnngpu summary --compare</c>: the lecture's "comparing model complexity" table, the networks side by side
/// (params, G MACs, activation memory of one image, the papers' top-1/top-5 errors); also as JSON:
/// <c>{"networks":[{"network","params","macs","activationBytes","top1Error","top5Error","source"}]}</c>, the
/// errors and source null where the seed gives no figure.
/// </summary>
internal static class CompareTable
{
    /// <summary>Writes the table and a note on where the errors come from.</summary>
    /// <param name="console">Where to write.</param>
    /// <param name="rows">The networks, in order.</param>
    public static void Render(IAnsiConsole console, IReadOnlyList<ComparedNetwork> rows)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(rows);
        var table = new FittedTable()
            .Column("network")
            .Column("params", right: true)
            .Column("G MACs", right: true)
            .Column("act. MB", right: true, drop: 2)
            .Column("top-1 %", right: true)
            .Column("top-5 %", right: true, drop: 1);
        foreach (var r in rows)
        {
            table.Row(
                Markup.Escape(r.Network),
                Units.Count(r.Report.TotalParams),
                Invariant($"{r.Report.TotalMacs / 1e9:0.00}"),
                Invariant($"{r.Report.TotalActivationBytes / (1024.0 * 1024):0.0}"),
                Error(r.Paper?.Top1Error),
                Error(r.Paper?.Top5Error));
        }

        table.Write(console);
        // Short lines: a console wraps long ones where it likes.
        console.WriteLine("params, G MACs and activations (one image, float32): computed here.");
        console.WriteLine("top-1/top-5: the papers' ImageNet errors (SENet Table 2, single crop),");
        console.WriteLine("which cannot be measured here; '-': no published figure in the seed.");
    }

    /// <summary>The rows as one indented JSON document.</summary>
    /// <param name="rows">The networks, in order.</param>
    public static string Json(IReadOnlyList<ComparedNetwork> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteStartArray("networks");
            foreach (var r in rows)
            {
                w.WriteStartObject();
                w.WriteString("network", r.Network);
                w.WriteNumber("params", r.Report.TotalParams);
                w.WriteNumber("macs", r.Report.TotalMacs);
                w.WriteNumber("activationBytes", r.Report.TotalActivationBytes);
                WriteNumberOrNull(w, "top1Error", r.Paper?.Top1Error);
                WriteNumberOrNull(w, "top5Error", r.Paper?.Top5Error);
                if (r.Paper is { } paper)
                {
                    w.WriteString("source", paper.Source);
                }
                else
                {
                    w.WriteNull("source");
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static string Error(double? percent) => percent is { } p ? Invariant($"{p:0.00}") : "-";

    private static void WriteNumberOrNull(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

using System.Text;
using System.Text.Json;

namespace CnnGpu.Networks.Complexity;

/// <summary>
/// Writes a report as JSON: <c>{"network", "input":[C,H,W], "layers":[{"name","block","op","input",
/// "output","filters","kernel","stride","pad","groups","params","weights","macs","activationBytes",
/// "receptiveField","globalContext"}], "totals":{"params","macs","activationBytes"}}</c>.
/// </summary>
public static class ComplexityJson
{
    /// <summary>The report as indented JSON.</summary>
    /// <param name="report">A complexity report.</param>
    /// <param name="extra">Optional extra top-level members, written after <c>totals</c> (e.g. the memory plan).</param>
    public static string Write(ComplexityReport report, Action<Utf8JsonWriter>? extra = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("network", report.Network);
            WriteArray(w, "input", report.Input);
            w.WriteStartArray("layers");
            foreach (var l in report.Layers)
            {
                w.WriteStartObject();
                w.WriteString("name", l.Name);
                w.WriteString("block", l.Block);
                w.WriteString("op", l.Op);
                WriteArray(w, "input", l.Input);
                WriteArray(w, "output", l.Output);
                if (l.Filters is { } filters)
                {
                    w.WriteNumber("filters", filters);
                }

                WriteOptional(w, "kernel", l.Kernel);
                WriteOptional(w, "stride", l.Stride);
                WriteOptional(w, "pad", l.Pad);
                w.WriteNumber("groups", l.Groups);
                w.WriteNumber("params", l.Params);
                w.WriteNumber("weights", l.Weights);
                w.WriteNumber("macs", l.Macs);
                w.WriteNumber("activationBytes", l.ActivationBytes);
                w.WriteNumber("receptiveField", l.ReceptiveField);
                w.WriteBoolean("globalContext", l.GlobalContext);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartObject("totals");
            w.WriteNumber("params", report.TotalParams);
            w.WriteNumber("macs", report.TotalMacs);
            w.WriteNumber("activationBytes", report.TotalActivationBytes);
            w.WriteEndObject();
            extra?.Invoke(w);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteArray(Utf8JsonWriter w, string name, IEnumerable<int> values)
    {
        w.WriteStartArray(name);
        foreach (int v in values)
        {
            w.WriteNumberValue(v);
        }

        w.WriteEndArray();
    }

    private static void WriteOptional(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }
}

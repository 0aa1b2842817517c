using CnnGpu.Networks.Onnx;
using CnnGpu.Networks.Onnx.Protos;

namespace CnnGpu.SideBySide;

/// <summary>
/// Adds to a CnnGpu import failure where the failing node's computed inputs come from, read from the file
/// itself: "input must be a constant" is actionable for the importer's owner only with the producing node
/// (e.g. an Identity that an exporter put in front of a shared initializer).
/// </summary>
internal static class ImportDiagnosis
{
    /// <summary>A short explanation, or null when there is nothing to add.</summary>
    /// <param name="file">The ONNX file that failed.</param>
    /// <param name="error">The importer's exception.</param>
    public static string? Explain(string file, OnnxImportException error)
    {
        if (error.NodeName is null)
        {
            return null;
        }

        ModelProto model;
        try
        {
            model = OnnxImporter.Parse(File.ReadAllBytes(file), file);
        }
        catch (OnnxImportException)
        {
            return null;
        }

        var graph = model.Graph;
        var initializers = graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var inputs = graph.Input.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var producers = new Dictionary<string, NodeProto>(StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            foreach (string output in node.Output)
            {
                producers[output] = node;
            }
        }

        var failing = graph.Node.FirstOrDefault(n => n.Name == error.NodeName || (n.Name.Length == 0 && n.Output.FirstOrDefault() == error.NodeName));
        if (failing is null)
        {
            return null;
        }

        var notes = new List<string>();
        foreach (string input in failing.Input.Skip(1).Where(i => i.Length > 0 && !initializers.Contains(i) && !inputs.Contains(i)))
        {
            if (producers.TryGetValue(input, out var producer))
            {
                string from = producer.OpType == "Identity" && producer.Input.Count == 1 && initializers.Contains(producer.Input[0])
                    ? $"Identity node '{producer.Name}' of initializer '{producer.Input[0]}'"
                    : $"{producer.OpType} node '{producer.Name}'";
                notes.Add($"'{input}' is the output of {from}");
            }
        }

        int identityOfInitializer = graph.Node.Count(n => n.OpType == "Identity" && n.Input.Count == 1 && initializers.Contains(n.Input[0]));
        if (identityOfInitializer > 0)
        {
            notes.Add($"the file has {identityOfInitializer} Identity node(s) whose input is an initializer (an exporter sharing identical constants)");
        }

        return notes.Count == 0 ? null : string.Join("; ", notes);
    }
}

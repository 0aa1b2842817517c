using CnnGpu.Networks.Onnx.Protos;
using CnnGpu.Runtime;
using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Planning;
using CnnGpu.Runtime.Tensors;
using Google.Protobuf;

namespace CnnGpu.Networks.Onnx.Export;

/// <summary>
/// Writes a <see cref="ComputeGraph"/> and its weights as a standard ONNX model (IR version 7,
/// opset 13 of the default domain) that ONNX Runtime and other engines load. Value names are
/// the graph's own (parameters keep names such as <c>layer1.0.conv1.weight</c>); parameters become
/// float initializers; inputs and outputs are declared with a symbolic batch dimension <c>N</c>.
/// Fused activations become a separate <c>Relu</c>, and a <c>[N, C]</c> channel-scale gate is
/// unsqueezed to <c>[N, C, 1, 1]</c> before its <c>Mul</c>.
/// </summary>
public static class OnnxExporter
{
    /// <summary>The ONNX IR version written.</summary>
    public const int IrVersion = 7;

    /// <summary>The opset of the default <c>ai.onnx</c> domain the written nodes bind to.</summary>
    public const int Opset = 13;

    /// <summary>The <c>producer_name</c> of written models.</summary>
    public const string ProducerName = "CnnGpu";

    /// <summary>Converts <paramref name="graph"/> (structure and weights) to an ONNX model.</summary>
    /// <param name="graph">The graph to export, e.g. a zoo network or an imported model.</param>
    /// <returns>The model, ready to serialize.</returns>
    /// <exception cref="OnnxExportException">A node's op or attributes have no ONNX form (the message names the node and op).</exception>
    /// <exception cref="CnnGpuException">The graph's shapes do not fit (the message names the node).</exception>
    public static ModelProto Export(ComputeGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);

        // Checked before shape inference, which would fail on the same nodes with a less specific message.
        foreach (var node in graph.Nodes)
        {
            if (!OnnxExportOps.Table.TryGetValue(node.Kind, out var op))
            {
                throw new OnnxExportException(
                    $"Graph '{graph.Name}': cannot export node '{node.Name}' (op {node.Kind}) to ONNX: the op has no ONNX mapping. Exportable ops: {string.Join(", ", OnnxExportOps.Table.Keys.Order())}.",
                    node);
            }

            if (!op.Attributes.IsInstanceOfType(node.Attributes))
            {
                throw new OnnxExportException(
                    $"Graph '{graph.Name}': cannot export node '{node.Name}' (op {node.Kind}) to ONNX: its attributes are {node.Attributes.GetType().Name}, but {node.Kind} takes {op.Attributes.Name}.",
                    node);
            }
        }

        var one = ShapeInference.Infer(graph, 1);
        var two = ShapeAtBatch2(graph) ?? one;
        var ctx = new ExportContext(graph, one);
        foreach (var node in graph.Nodes)
        {
            OnnxExportOps.Table[node.Kind].Write(ctx, node);
        }

        var onnx = new GraphProto { Name = graph.Name };
        foreach (var input in graph.Inputs)
        {
            onnx.Input.Add(Declare(ctx.Value(input.ValueId), one[input.ValueId], two[input.ValueId]));
        }

        var produced = graph.Nodes.Select(n => n.Output).ToHashSet();
        var declared = new HashSet<int>();
        foreach (int id in graph.Outputs)
        {
            string name = ctx.Value(id);

            // An ONNX graph output names a node's result once; a graph input, a constant or a repeated
            // output is passed through an Identity so that every declared output has its own producer.
            if (!produced.Contains(id) || !declared.Add(id))
            {
                string copy = ctx.NewValue($"{name}.output");
                ctx.Emit("Identity", $"{name}.output", [name], copy);
                name = copy;
            }

            onnx.Output.Add(Declare(name, one[id], two[id]));
        }

        onnx.Node.Add(ctx.Nodes);
        onnx.Initializer.Add(ctx.Initializers());
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = ProducerName,
            ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? string.Empty,
            DocString = $"CnnGpu graph '{graph.Name}'",
            Graph = onnx,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = Opset });
        return model;
    }

    /// <summary>
    /// Exports <paramref name="graph"/> and writes it to <paramref name="path"/> (see <see cref="Save(ModelProto, string)"/>:
    /// a failure never leaves a partial model behind, nor destroys an existing file).
    /// </summary>
    /// <param name="graph">The graph to export.</param>
    /// <param name="path">The <c>.onnx</c> file to write (replaced if it exists).</param>
    /// <exception cref="OnnxExportException">The graph cannot be exported, or the file cannot be written.</exception>
    /// <exception cref="CnnGpuException">The graph's shapes do not fit.</exception>
    public static void Save(ComputeGraph graph, string path)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentException.ThrowIfNullOrEmpty(path);
        Save(Export(graph), path);
    }

    /// <summary>
    /// Writes an exported <paramref name="model"/> to <paramref name="path"/>, through a temporary file
    /// next to it that is then moved into place, so a failure never leaves a partial model behind.
    /// </summary>
    /// <param name="model">A model from <see cref="Export"/>.</param>
    /// <param name="path">The <c>.onnx</c> file to write (replaced if it exists).</param>
    /// <exception cref="OnnxExportException">The file cannot be written.</exception>
    public static void Save(ModelProto model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        string temporary = Path.Combine(Path.GetDirectoryName(full) ?? ".", $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                model.WriteTo(file);
            }

            File.Move(temporary, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OnnxExportException($"Cannot write ONNX model '{path}': {e.Message}", e);
        }
        finally
        {
            DeleteQuietly(temporary);
        }
    }

    /// <summary>Removes a leftover temporary file; failing to remove it must not hide the error that left it.</summary>
    private static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Nothing more to do: the temporary name is unique and hidden.
        }
    }

    /// <summary>
    /// Shapes at batch 2, or null for a graph that runs only at batch 1 (a constant gate or operand
    /// of batch 1 that does not broadcast): its declared shapes then stay fixed instead of promising a batch N.
    /// </summary>
    private static TensorShape[]? ShapeAtBatch2(ComputeGraph graph)
    {
        try
        {
            return ShapeInference.Infer(graph, 2);
        }
        catch (ShapeMismatchException)
        {
            return null;
        }
    }

    /// <summary>A float value declaration: dimensions that follow the batch size are the symbolic batch.</summary>
    private static ValueInfoProto Declare(string name, TensorShape atBatch1, TensorShape atBatch2) =>
        OnnxProtos.FloatValue(name, atBatch1, [.. Enumerable.Range(0, atBatch1.Rank).Select(i => atBatch1[i] != atBatch2[i])]);
}

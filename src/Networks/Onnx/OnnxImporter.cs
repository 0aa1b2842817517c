using CnnGpu.Networks.Onnx.Converters;
using CnnGpu.Networks.Onnx.Protos;
using CnnGpu.Runtime;
using CnnGpu.Runtime.Graph;
using Google.Protobuf;

namespace CnnGpu.Networks.Onnx;

/// <summary>
/// Imports ONNX models (opsets 7–21 of the default <c>ai.onnx</c> domain) as CnnGpu graphs:
/// every node is mapped onto CnnGpu ops, or the import fails as a whole with an
/// <see cref="OnnxImportException"/> that names the node, op, domain, opset and attribute.
/// The first dimension of every graph input is the batch, whatever the file declares.
/// </summary>
public static class OnnxImporter
{

    /// <summary>Oldest supported opset of the default domain.</summary>
    public const int MinOpset = 7;

    /// <summary>Newest supported opset of the default domain.</summary>
    public const int MaxOpset = 21;

    /// <summary>Name of the default ONNX operator-set domain (also written as the empty string).</summary>
    internal const string DefaultDomain = "ai.onnx";

    /// <summary>Reads and imports an ONNX file; external tensor data is looked up next to it.</summary>
    /// <param name="path">The <c>.onnx</c> file.</param>
    /// <returns>The graph, named after the file.</returns>
    /// <exception cref="OnnxImportException">The file is missing, unreadable, not ONNX, or uses something unsupported.</exception>
    public static ComputeGraph Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        OnnxFileScan scan;
        try
        {
            // The weights are read from the file straight into the tensors, never held twice (see OnnxFileScan).
            var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
            scan = OnnxFileScan.Open(file, $"'{path}'");
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new OnnxImportException($"ONNX model '{path}' does not exist.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OnnxImportException($"ONNX model '{path}' could not be read: {e.Message}", e);
        }

        using (scan)
        {
            Check(scan.Model, scan.Length, $"'{path}'");
            string full = Path.GetFullPath(path);
            var initializers = scan.Initializers.Select(i => (i.Tensor, i.RawOffset < 0 ? null : new FileRawData(scan, i.RawOffset, i.RawLength)));
            try
            {
                return Import(scan.Model, Path.GetDirectoryName(full), Path.GetFileNameWithoutExtension(full), initializers);
            }
            catch (IOException e)
            {
                throw new OnnxImportException($"ONNX model '{path}' could not be read: {e.Message}", e);
            }
        }
    }

    /// <summary>Reads and imports an ONNX model from a stream.</summary>
    /// <param name="stream">The serialized model.</param>
    /// <param name="externalDataDirectory">Where external tensor data lives; null when the model has none.</param>
    /// <param name="name">Graph name; the ONNX graph's name when null.</param>
    /// <exception cref="OnnxImportException">The data is not ONNX or uses something unsupported.</exception>
    public static ComputeGraph Load(Stream stream, string? externalDataDirectory = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Import(Parse(buffer.ToArray(), "the stream"), externalDataDirectory, name);
    }

    /// <summary>Parses serialized ONNX bytes and checks that they are an ONNX model of a supported opset.</summary>
    /// <param name="bytes">The serialized model.</param>
    /// <param name="source">How to name the data in errors, e.g. <c>'model.onnx'</c>.</param>
    /// <exception cref="OnnxImportException">Not a (complete) ONNX model, or an unsupported opset.</exception>
    public static ModelProto Parse(byte[] bytes, string source)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        using var stream = new MemoryStream(bytes, writable: false);
        return Parse(stream, bytes.Length, source);
    }

    private static ModelProto Parse(Stream stream, long length, string source)
    {
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(stream);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new OnnxImportException($"{source} is not a valid ONNX model (truncated, or not ONNX at all): {OneLine(e.Message)}", e);
        }

        Check(model, length, source);
        return model;
    }

    /// <summary>Checks that a parsed model is a complete ONNX model of a supported opset.</summary>
    private static void Check(ModelProto model, long length, string source)
    {
        if (length == 0)
        {
            throw new OnnxImportException($"{source} is empty, not an ONNX model.");
        }

        if (model.IrVersion <= 0 || model.Graph is null)
        {
            throw new OnnxImportException($"{source} is not an ONNX model: it has no IR version or no graph (truncated, or a file of another format).");
        }

        OpsetOf(model, source);
    }

    /// <summary>Imports a parsed model.</summary>
    /// <param name="model">The model (e.g. built with the generated protobuf types).</param>
    /// <param name="externalDataDirectory">Where external tensor data lives; null when the model has none.</param>
    /// <param name="name">Graph name; the ONNX graph's name when null.</param>
    /// <exception cref="OnnxImportException">Something in the model is not supported (the message names it).</exception>
    public static ComputeGraph Import(ModelProto model, string? externalDataDirectory = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Import(model, externalDataDirectory, name, model.Graph?.Initializer.Select(t => (t, (FileRawData?)null)) ?? []);
    }

    /// <summary>Imports a model whose initializers come separately, each with its raw data in memory or still in the file.</summary>
    private static ComputeGraph Import(ModelProto model, string? externalDataDirectory, string? name, IEnumerable<(TensorProto Tensor, FileRawData? Raw)> initializerData)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Graph is null)
        {
            throw new OnnxImportException("The ONNX model has no graph.");
        }

        long opset = OpsetOf(model, "The ONNX model");
        var graph = model.Graph;
        var ctx = new ImportContext(name ?? (graph.Name.Length > 0 ? graph.Name : "onnx"), graph);
        var initializers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (tensor, raw) in initializerData)
        {
            if (tensor.Name.Length == 0 || !initializers.Add(tensor.Name))
            {
                throw new OnnxImportException($"Initializer '{tensor.Name}' is unnamed or named twice.");
            }

            ctx.DefineConstant(OnnxTensorReader.Read(tensor, tensor.Name, $"Initializer '{tensor.Name}'", externalDataDirectory, raw));
        }

        // Old exporters list initializers among the inputs too: those are constants, not inputs.
        foreach (var input in graph.Input.Where(i => !initializers.Contains(i.Name)))
        {
            ctx.DefineInput(input.Name, GraphInputs.ItemDimensions(input));
        }

        // Constant nodes have no inputs, so they are known before any node runs.
        var nodes = graph.Node.Select(n => new OnnxNode(n, OpsetFor(model, n.Domain, opset))).ToList();
        foreach (var node in nodes.Where(IsConstant))
        {
            ctx.DefineConstant(ConstantConverter.Read(node, externalDataDirectory));
        }

        for (int i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i];
            if (IsConstant(node) || ctx.IsFolded(i))
            {
                continue;
            }

            if (node.Domain != DefaultDomain)
            {
                throw node.Error($"domain {node.Domain} is not supported; CnnGpu imports the default ai.onnx operator set.");
            }

            // Shape arithmetic, shared initializers behind Identity, constant Clip bounds: evaluated now, never run.
            if (ConstantFolding.TryFold(ctx, node))
            {
                continue;
            }

            if (!OnnxOps.Converters.TryGetValue(node.OpType, out var convert))
            {
                throw node.Error($"op {node.OpType} is not supported. Supported ops: {OnnxOps.SupportedList}.");
            }

            convert(ctx, node);
        }

        foreach (var output in graph.Output)
        {
            ctx.Builder.Output(ctx.GraphOutput(output.Name));
        }

        try
        {
            return ctx.Builder.Build();
        }
        catch (CnnGpuException e) when (e is not OnnxImportException)
        {
            throw new OnnxImportException($"The imported graph is not well formed: {e.Message}", e);
        }
    }

    private static bool IsConstant(OnnxNode node) => node.OpType == "Constant" && node.Domain == DefaultDomain;

    private static long OpsetOf(ModelProto model, string source)
    {
        var entry = model.OpsetImport.FirstOrDefault(o => o.Domain is "" or DefaultDomain)
            ?? throw new OnnxImportException($"{source} imports no ai.onnx operator set (opset_import is missing; truncated file?).");
        return entry.Version is >= MinOpset and <= MaxOpset
            ? entry.Version
            : throw new OnnxImportException($"{source} uses opset {entry.Version} of ai.onnx; CnnGpu imports opsets {MinOpset}–{MaxOpset}.");
    }

    private static long OpsetFor(ModelProto model, string domain, long defaultOpset) =>
        domain is "" or DefaultDomain ? defaultOpset : model.OpsetImport.FirstOrDefault(o => o.Domain == domain)?.Version ?? 0;

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries));
}

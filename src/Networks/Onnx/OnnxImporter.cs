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
    private const long ReleaseBatchBytes = 32L << 20;

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
        ModelProto model;
        try
        {
            // Parsed straight from the file: no copy of the whole file in memory next to the parsed model.
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
            model = Parse(file, file.Length, $"'{path}'");
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new OnnxImportException($"ONNX model '{path}' does not exist.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OnnxImportException($"ONNX model '{path}' could not be read: {e.Message}", e);
        }

        string full = Path.GetFullPath(path);
        return Import(model, Path.GetDirectoryName(full), Path.GetFileNameWithoutExtension(full), consumeTensors: true);
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

        if (length == 0)
        {
            throw new OnnxImportException($"{source} is empty, not an ONNX model.");
        }

        if (model.IrVersion <= 0 || model.Graph is null)
        {
            throw new OnnxImportException($"{source} is not an ONNX model: it has no IR version or no graph (truncated, or a file of another format).");
        }

        OpsetOf(model, source);
        return model;
    }

    /// <summary>Imports a parsed model.</summary>
    /// <param name="model">The model (e.g. built with the generated protobuf types).</param>
    /// <param name="externalDataDirectory">Where external tensor data lives; null when the model has none.</param>
    /// <param name="name">Graph name; the ONNX graph's name when null.</param>
    /// <exception cref="OnnxImportException">Something in the model is not supported (the message names it).</exception>
    public static ComputeGraph Import(ModelProto model, string? externalDataDirectory = null, string? name = null) =>
        Import(model, externalDataDirectory, name, consumeTensors: false);

    /// <summary>
    /// Imports a model; with <paramref name="consumeTensors"/> (a model this class parsed and nobody else holds) each
    /// initializer's raw bytes are dropped once decoded, and the garbage collector is asked every few tens of MB to
    /// reclaim them, so a model's weights are never in memory three times over (file, protobuf, tensors) while it loads.
    /// </summary>
    private static ComputeGraph Import(ModelProto model, string? externalDataDirectory, string? name, bool consumeTensors)
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
        long released = 0;
        foreach (var tensor in graph.Initializer)
        {
            if (tensor.Name.Length == 0 || !initializers.Add(tensor.Name))
            {
                throw new OnnxImportException($"Initializer '{tensor.Name}' is unnamed or named twice.");
            }

            ctx.DefineConstant(OnnxTensorReader.Read(tensor, tensor.Name, $"Initializer '{tensor.Name}'", externalDataDirectory));
            if (consumeTensors)
            {
                released += tensor.RawData.Length;
                tensor.RawData = ByteString.Empty;
                if (released > ReleaseBatchBytes)
                {
                    // The decoded bytes are large-object-heap garbage: collected now, their space holds the next tensors.
                    GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true);
                    released = 0;
                }
            }
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

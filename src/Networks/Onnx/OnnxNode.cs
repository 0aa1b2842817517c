using System.Globalization;
using CnnGpu.Networks.Onnx.Protos;
using AttributeType = CnnGpu.Networks.Onnx.Protos.AttributeProto.Types.AttributeType;

namespace CnnGpu.Networks.Onnx;

/// <summary>
/// One ONNX node as the converters see it: its inputs and outputs, typed attribute access that
/// rejects unknown or mistyped attributes, and errors that name op, node, domain and opset.
/// </summary>
internal sealed class OnnxNode
{
    private readonly Dictionary<string, AttributeProto> _attributes;

    public OnnxNode(NodeProto proto, long opset)
    {
        Proto = proto;
        Opset = opset;
        Domain = proto.Domain.Length == 0 ? OnnxImporter.DefaultDomain : proto.Domain;
        Name = proto.Name.Length > 0 ? proto.Name : proto.Output.FirstOrDefault(o => o.Length > 0) ?? proto.OpType;
        _attributes = [];
        foreach (var attribute in proto.Attribute)
        {
            if (!_attributes.TryAdd(attribute.Name, attribute))
            {
                throw Error($"attribute '{attribute.Name}' appears twice.", attribute.Name);
            }
        }
    }

    public NodeProto Proto { get; }

    public string OpType => Proto.OpType;

    /// <summary>The node name, or its first output when the node is unnamed.</summary>
    public string Name { get; }

    public string Domain { get; }

    public long Opset { get; }

    public int InputCount => Proto.Input.Count;

    /// <summary>Whether optional input <paramref name="index"/> is given (present and not empty).</summary>
    public bool HasInput(int index) => index < Proto.Input.Count && Proto.Input[index].Length > 0;

    /// <summary>The name of required input <paramref name="index"/>.</summary>
    public string Input(int index, string role) =>
        HasInput(index) ? Proto.Input[index] : throw Error($"input {index} ({role}) is missing.");

    /// <summary>The name of output 0.</summary>
    public string Output => Proto.Output.Count > 0 && Proto.Output[0].Length > 0 ? Proto.Output[0] : throw Error("it has no output.");

    /// <summary>An import error about this node, optionally blaming one attribute (or constant input).</summary>
    public OnnxImportException Error(string problem, string? attribute = null)
    {
        string what = attribute is null ? string.Empty : $", attribute '{attribute}'";
        return new OnnxImportException(
            $"ONNX node '{Name}' (op {OpType}, domain {Domain}, opset {Opset}){what}: {problem}",
            OpType, Name, Domain, Opset, attribute);
    }

    /// <summary>Rejects any attribute not in <paramref name="known"/>.</summary>
    public void AllowOnly(params string[] known)
    {
        foreach (string name in _attributes.Keys.Where(n => !known.Contains(n, StringComparer.Ordinal)))
        {
            string allowed = known.Length == 0 ? "none" : string.Join(", ", known);
            throw Error($"attribute '{name}' is not supported for {OpType} (supported: {allowed}).", name);
        }
    }

    public bool Has(string name) => _attributes.ContainsKey(name);

    public long Int(string name, long fallback) => Get(name, AttributeType.Int)?.I ?? fallback;

    public float Float(string name, float fallback) => Get(name, AttributeType.Float)?.F ?? fallback;

    public string String(string name, string fallback) => Get(name, AttributeType.String)?.S.ToStringUtf8() ?? fallback;

    public long[]? Ints(string name) => Get(name, AttributeType.Ints) is { } a ? [.. a.Ints] : null;

    public TensorProto? Tensor(string name) => Get(name, AttributeType.Tensor)?.T;

    public float[]? Floats(string name) => Get(name, AttributeType.Floats) is { } a ? [.. a.Floats] : null;

    /// <summary>An INTS attribute that must have <paramref name="length"/> entries, or <paramref name="fallback"/> when absent.</summary>
    public int[] IntsOfLength(string name, int length, int[] fallback)
    {
        long[]? values = Ints(name);
        if (values is null)
        {
            return fallback;
        }

        if (values.Length != length)
        {
            throw Error($"expected {length} values, got [{string.Join(", ", values)}] (only 2-D images are supported).", name);
        }

        return [.. values.Select(v => ToInt(name, v))];
    }

    /// <summary>Checks that an int attribute fits an <see cref="int"/>.</summary>
    public int ToInt(string name, long value) =>
        value is >= int.MinValue and <= int.MaxValue ? (int)value : throw Error($"value {value} is out of range.", name);

    private AttributeProto? Get(string name, AttributeType type)
    {
        if (!_attributes.TryGetValue(name, out var attribute))
        {
            return null;
        }

        // IR version 1 had no type field; infer it from the populated value in that case.
        var actual = attribute.Type != AttributeType.Undefined ? attribute.Type : Infer(attribute);
        return actual == type
            ? attribute
            : throw Error(string.Create(CultureInfo.InvariantCulture, $"expected type {type}, got {actual}."), name);
    }

    private static AttributeType Infer(AttributeProto a) =>
        a.Ints.Count > 0 ? AttributeType.Ints
        : a.Floats.Count > 0 ? AttributeType.Floats
        : a.T is not null ? AttributeType.Tensor
        : !a.S.IsEmpty ? AttributeType.String
        : a.F != 0 ? AttributeType.Float
        : AttributeType.Int;
}

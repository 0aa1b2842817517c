using System.Text.Json;
using CnnGpu.Runtime;

namespace CnnGpu.Networks.Features;

/// <summary>
/// The JSON file of a <see cref="FewShotHead"/>:
/// <c>{"format":"cnngpu-head","version":1,"kind":"ncm","features":"ResNet-18 …","classes":[…],"weights":[[…]],"bias":[…]}</c>.
/// </summary>
internal static class HeadFile
{
    /// <summary>The value of <c>format</c>.</summary>
    public const string Format = "cnngpu-head";

    /// <summary>The value of <c>version</c>.</summary>
    public const int Version = 1;

    private static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static void Write(FewShotHead head, string path)
    {
        ArgumentNullException.ThrowIfNull(head);
        ArgumentNullException.ThrowIfNull(path);
        var document = new Document(Format, Version, HeadKinds.Name(head.Kind), ImageEmbedder.ModelName, [.. head.Classes], [.. head.Linear.Weights], [.. head.Linear.Bias]);
        File.WriteAllText(path, JsonSerializer.Serialize(document, Options));
    }

    public static FewShotHead Read(string path, ImageEmbedder? embedder)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new CnnGpuException($"Head file '{path}' does not exist.");
        }

        Document? document;
        try
        {
            document = JsonSerializer.Deserialize<Document>(File.ReadAllText(path), Options);
        }
        catch (JsonException e)
        {
            throw new CnnGpuException($"'{path}' is not a head file: {e.Message}", e);
        }

        if (document is null || document.Format != Format)
        {
            throw new CnnGpuException($"'{path}' is not a head file (no \"format\": \"{Format}\"); make one with 'cnngpu head train'.");
        }

        if (document.Version != Version || HeadKinds.Parse(document.Kind) is not { } kind)
        {
            throw new CnnGpuException($"Head file '{path}' has version {document.Version}, kind '{document.Kind}'; this build reads version {Version}, kinds {string.Join(", ", HeadKinds.All)}.");
        }

        if (document.Classes is not { Length: > 0 } classes || document.Weights is not { } weights || document.Bias is not { } bias
            || weights.Length != classes.Length || bias.Length != classes.Length || weights.Any(w => w?.Length != ImageEmbedder.Dimensions))
        {
            throw new CnnGpuException($"Head file '{path}' is inconsistent: it needs one class name, one bias and one weight row of {ImageEmbedder.Dimensions} values per class.");
        }

        return new FewShotHead(kind, classes, new LinearHead(weights, bias), embedder);
    }

    private sealed record Document(
        string? Format,
        int Version,
        string? Kind,
        string? Features,
        string[]? Classes,
        float[][]? Weights,
        float[]? Bias);
}

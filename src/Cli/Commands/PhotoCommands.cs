using System.Text.Json;
using CnnGpu.Cli.Rendering;
using CnnGpu.Networks.Features;
using CnnGpu.Networks.Imaging;
using CnnGpu.Runtime;
using CnnGpu.Runtime.Session;

namespace CnnGpu.Cli.Commands;

/// <summary>
/// What the photo commands (classify, embed, similar, head) share: how paths are expanded, how failures map to exit
/// codes, how the embedder is opened with progress, and their JSON writer.
/// </summary>
internal static class PhotoCommands
{
    /// <summary>The exit-code rule every photo command states in its help.</summary>
    public const string ExitRule =
        "Exit codes: 0 done; 2 wrong command line (an option value, or a path that does not exist); 1 the work failed (a file that is not an image, named in the message; a model that cannot run).";

    /// <summary>Largest batch one session run takes (a larger folder runs in several batches through the same session).</summary>
    public const int MaxBatch = 16;

    /// <summary>Description of the image arguments.</summary>
    public const string ImagesDescription = "Image files (PNG, JPEG, WebP, BMP, GIF) or folders of them.";

    /// <summary>Description of the --backend option.</summary>
    public const string BackendDescription = "auto | cpu[:512|:256|:128] | reference | ilgpu-cpu | cuda[:i] | opencl[:i] (auto = CUDA > OpenCL > cpu).";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>Session options for <paramref name="images"/> photos on <paramref name="backend"/>.</summary>
    public static SessionOptions Session(string backend, int images) =>
        new() { Backend = backend, MaxBatch = Math.Clamp(images, 1, MaxBatch) };

    /// <summary>The images named by <paramref name="paths"/>, or null after writing why not (a usage error).</summary>
    public static IReadOnlyList<string>? Expand(string command, IEnumerable<string> paths, TextWriter error)
    {
        try
        {
            return ImageFiles.Expand(paths);
        }
        catch (CnnGpuException e)
        {
            Fail(command, error, e.Message);
            return null;
        }
    }

    /// <summary>Opens the ResNet-18 embedder under a progress step.</summary>
    public static ImageEmbedder OpenEmbedder(CliProgress progress, string backend, int images) =>
        progress.Step("loading ResNet-18 and packing its weights", () => ImageEmbedder.Open(Session(backend, images)));

    /// <summary>Embeds <paramref name="paths"/> batch by batch under a progress display.</summary>
    public static float[][] Embed(CliProgress progress, ImageEmbedder embedder, IReadOnlyList<string> paths)
    {
        var features = new List<float[]>(paths.Count);
        progress.Items($"embedding {paths.Count} photo(s)", [.. paths.Chunk(embedder.BatchSize)], chunk => features.AddRange(embedder.Embed(chunk)));
        return [.. features];
    }

    /// <summary>
    /// Runs a command's work: a backend that cannot be opened is a wrong --backend (one line, exit 2, as in
    /// bench); anything else the work throws goes to <see cref="CliInvocation"/>, which reports it as one line
    /// with exit 1, or in full with <c>--verbose</c>.
    /// </summary>
    public static int Guard(string command, TextWriter error, Func<int> work)
    {
        try
        {
            return work();
        }
        catch (DeviceException e)
        {
            return Fail(command, error, e.Message);
        }
    }

    /// <summary>Writes <c>cnngpu {command}: {message}</c> on one line (<see cref="CliErrors"/>) and returns <paramref name="code"/>.</summary>
    public static int Fail(string command, TextWriter error, string message, int code = ExitCodes.Usage) =>
        CliErrors.Fail(error, command, message, code);

    /// <summary>Writes <paramref name="value"/> as one JSON document on <paramref name="output"/>.</summary>
    public static void WriteJson<T>(TextWriter output, T value) => output.WriteLine(JsonSerializer.Serialize(value, Json));
}

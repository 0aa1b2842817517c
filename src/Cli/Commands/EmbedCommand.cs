using System.CommandLine;
using System.Globalization;
using CnnGpu.Cli.Rendering;
using CnnGpu.Networks.Features;
using CnnGpu.Networks.Io;
using CnnGpu.Runtime.Tensors;

namespace CnnGpu.Cli.Commands;

/// <summary>
/// <c>cnngpu embed &lt;image|folder&gt;… [--json | --npy out.npy] [--backend B]</c>: L2-normalised 512-d features of
/// the ImageNet-trained ResNet-18 (ML.NET's DnnImageFeaturizer model and preprocessing).
/// </summary>
internal static class EmbedCommand
{
    private const string Name = "embed";

    /// <summary>Values shown per photo in the text output.</summary>
    private const int Shown = 6;

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var images = new Argument<string[]>("images") { Description = PhotoCommands.ImagesDescription, Arity = ArgumentArity.OneOrMore };
        var json = new Option<bool>("--json") { Description = "Print [{\"image\",\"embedding\":[512 values]}] on stdout and nothing else there." };
        var npy = new Option<string?>("--npy") { Description = "Write the features as a [photos, 512] float32 .npy array (rows in the order listed)." };
        var backend = new Option<string>("--backend", "-b") { Description = PhotoCommands.BackendDescription, DefaultValueFactory = _ => "auto" };
        var command = new Command(Name,
            $"L2-normalised 512-d features of photos from the ImageNet-trained ResNet-18 of NuGet {FeaturizerModels.Package} {FeaturizerModels.PackageVersion}, " +
            $"with its own preprocessing (cover and centre-crop to 224, BGR minus its mean image). The model files are found in ${FeaturizerModels.EnvironmentVariable}, next to cnngpu, or in the NuGet cache. " +
            PhotoCommands.ExitRule)
        {
            images, json, npy, backend,
        };
        command.SetAction(parse => Run(
            parse.GetRequiredValue(images), parse.GetValue(json), parse.GetValue(npy), parse.GetValue(backend) ?? "auto",
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return Examples.Add(command, "cnngpu embed samples/chelsea.png --json", "cnngpu embed samples --npy features.npy");
    }

    /// <summary>Runs the command; returns the exit code.</summary>
    internal static int Run(IReadOnlyList<string> images, bool json, string? npy, string backend, TextWriter output, TextWriter error) =>
        PhotoCommands.Guard(Name, error, () =>
        {
            if (json && npy is not null)
            {
                return PhotoCommands.Fail(Name, error, "--json prints the features and --npy writes them; give one.");
            }

            if (npy is not null && Path.GetDirectoryName(Path.GetFullPath(npy)) is { } folder && !Directory.Exists(folder))
            {
                return PhotoCommands.Fail(Name, error, $"the output folder '{folder}' does not exist.");
            }

            if (PhotoCommands.Expand(Name, images, error) is not { } paths)
            {
                return ExitCodes.Usage;
            }

            var progress = CliProgress.For(error, quiet: json);
            float[][] features;
            using (var embedder = PhotoCommands.OpenEmbedder(progress, backend, paths.Count))
            {
                features = PhotoCommands.Embed(progress, embedder, paths);
            }

            if (json)
            {
                PhotoCommands.WriteJson(output, paths.Select((p, i) => new { Image = p, Embedding = features[i] }));
            }
            else if (npy is not null)
            {
                NpyFile.Write(npy, new Tensor(new TensorShape(paths.Count, ImageEmbedder.Dimensions), [.. features.SelectMany(f => f)]));
                output.WriteLine($"wrote {npy}: [{paths.Count}, {ImageEmbedder.Dimensions}] float32, one L2-normalised row per photo: {string.Join(", ", paths)}");
            }
            else
            {
                foreach (var (path, f) in paths.Zip(features))
                {
                    string head = string.Join(" ", f.Take(Shown).Select(v => v.ToString("+0.0000;-0.0000", CultureInfo.InvariantCulture)));
                    output.WriteLine($"{path}: {f.Length} values, L2-normalised: {head} …");
                }
            }

            return ExitCodes.Success;
        });
}

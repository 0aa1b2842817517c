using System.CommandLine;
using System.Globalization;
using CnnGpu.Cli.Rendering;
using CnnGpu.Networks.Features;

namespace CnnGpu.Cli.Commands;

/// <summary>
/// <c>cnngpu similar &lt;query-image&gt; &lt;folder&gt; [--top K] [--json] [--backend B]</c>: the folder's photos ranked by the
/// cosine similarity of their ResNet-18 features to the query's, most similar first.
/// </summary>
internal static class SimilarCommand
{
    private const string Name = "similar";

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var query = new Argument<string>("query") { Description = "The image to match." };
        var folder = new Argument<string>("folder") { Description = "A folder of images to rank (not its subfolders)." };
        var top = new Option<int?>("--top", "-k") { Description = "Show only the K most similar (default: all)." };
        var json = new Option<bool>("--json") { Description = "Print [{\"image\",\"similarity\"}] on stdout and nothing else there." };
        var backend = new Option<string>("--backend", "-b") { Description = PhotoCommands.BackendDescription, DefaultValueFactory = _ => "auto" };
        var command = new Command(Name, "Rank a folder's photos by cosine similarity of their ResNet-18 features to a query photo (see 'cnngpu embed'), most similar first. " + PhotoCommands.ExitRule)
        {
            query, folder, top, json, backend,
        };
        command.SetAction(parse => Run(
            parse.GetRequiredValue(query), parse.GetRequiredValue(folder), parse.GetValue(top), parse.GetValue(json), parse.GetValue(backend) ?? "auto",
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return Examples.Add(command, "cnngpu similar samples/chelsea.png samples --top 3");
    }

    /// <summary>Runs the command; returns the exit code.</summary>
    internal static int Run(string query, string folder, int? top, bool json, string backend, TextWriter output, TextWriter error) =>
        PhotoCommands.Guard(Name, error, () =>
        {
            if (Arguments.OutOfRange("--top", top, 1, int.MaxValue) is { } usage)
            {
                return PhotoCommands.Fail(Name, error, usage);
            }

            if (!File.Exists(query))
            {
                return PhotoCommands.Fail(Name, error, $"query image '{query}' does not exist.");
            }

            if (!Directory.Exists(folder))
            {
                return PhotoCommands.Fail(Name, error, $"folder '{folder}' does not exist.");
            }

            if (PhotoCommands.Expand(Name, [folder], error) is not { } candidates)
            {
                return ExitCodes.Usage;
            }

            var progress = CliProgress.For(error, quiet: json);
            float[][] features;
            using (var embedder = PhotoCommands.OpenEmbedder(progress, backend, candidates.Count + 1))
            {
                features = PhotoCommands.Embed(progress, embedder, [query, .. candidates]);
            }

            var ranked = candidates
                .Select((path, i) => (Image: path, Similarity: Embeddings.Cosine(features[0], features[i + 1])))
                .OrderByDescending(r => r.Similarity).ThenBy(r => r.Image, StringComparer.Ordinal)
                .Take(top ?? candidates.Count)
                .ToList();
            if (json)
            {
                PhotoCommands.WriteJson(output, ranked.Select(r => new { r.Image, r.Similarity }));
            }
            else
            {
                foreach (var (image, similarity) in ranked)
                {
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{similarity,7:0.0000}  {image}"));
                }
            }

            return ExitCodes.Success;
        });
}

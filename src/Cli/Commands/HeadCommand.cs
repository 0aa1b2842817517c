using System.CommandLine;
using CnnGpu.Cli.Rendering;
using CnnGpu.Networks.Features;

namespace CnnGpu.Cli.Commands;

/// <summary>
/// <c>cnngpu head train &lt;folder-of-class-folders&gt; --out head.json [--kind ncm|logistic] [--backend B]</c>: fits a
/// few-shot classifier on the ResNet-18 features of the photos in each class folder; <c>cnngpu classify --head</c> uses it.
/// </summary>
internal static class HeadCommand
{
    private const string Name = "head train";

    /// <summary>Creates <c>head</c> with its <c>train</c> subcommand.</summary>
    public static Command Create()
    {
        var folder = new Argument<string>("folder") { Description = "A folder with one subfolder of photos per class; the subfolder names are the class names." };
        var output = new Option<string>("--out", "-o") { Description = "The head file to write (JSON; replaced if it exists).", Required = true };
        var kind = new Option<string>("--kind") { Description = $"{string.Join(" | ", HeadKinds.All)}: nearest class mean or multinomial logistic regression (default {HeadKinds.Name(FewShotHead.DefaultKind)}, the better on held-out views here).", DefaultValueFactory = _ => HeadKinds.Name(FewShotHead.DefaultKind) };
        var backend = new Option<string>("--backend", "-b") { Description = PhotoCommands.BackendDescription, DefaultValueFactory = _ => "auto" };
        var train = new Command("train", "Fit a few-shot classifier on the ResNet-18 features of a folder with one subfolder of photos per class (a few photos each are enough) and save it as JSON for 'cnngpu classify --head'. " + PhotoCommands.ExitRule)
        {
            folder, output, kind, backend,
        };
        train.SetAction(parse => Run(
            parse.GetRequiredValue(folder), parse.GetRequiredValue(output), parse.GetValue(kind) ?? HeadKinds.Name(FewShotHead.DefaultKind), parse.GetValue(backend) ?? "auto",
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        Examples.Add(train, "cnngpu head train photos --out head.json --kind ncm");
        return Examples.Add(new Command("head", "Few-shot classification heads on ResNet-18 features: 'head train' fits one, 'classify --head' uses it.") { train }, "cnngpu head train photos --out head.json");
    }

    /// <summary>Runs <c>head train</c>; returns the exit code.</summary>
    internal static int Run(string folder, string output, string kindName, string backend, TextWriter stdout, TextWriter error) =>
        PhotoCommands.Guard(Name, error, () =>
        {
            if (HeadKinds.Parse(kindName) is not { } kind)
            {
                return PhotoCommands.Fail(Name, error, $"--kind must be one of {string.Join(", ", HeadKinds.All)}, got '{kindName}'.");
            }

            if (Path.GetDirectoryName(Path.GetFullPath(output)) is { } outFolder && !Directory.Exists(outFolder))
            {
                return PhotoCommands.Fail(Name, error, $"the output folder '{outFolder}' does not exist.");
            }

            IReadOnlyList<(string Name, IReadOnlyList<string> Images)> classes;
            try
            {
                classes = FewShotHead.ClassFolders(folder);
            }
            catch (Runtime.CnnGpuException e)
            {
                return PhotoCommands.Fail(Name, error, e.Message);
            }

            var paths = classes.SelectMany(c => c.Images).ToList();
            var labels = classes.SelectMany((c, k) => c.Images.Select(_ => k)).ToList();
            var progress = CliProgress.For(error, quiet: false);
            using var embedder = PhotoCommands.OpenEmbedder(progress, backend, paths.Count);
            var features = PhotoCommands.Embed(progress, embedder, paths);
            using var head = FewShotHead.Fit([.. classes.Select(c => c.Name)], features, labels, kind);
            head.Save(output);
            stdout.WriteLine(
                $"trained a {HeadKinds.Name(kind)} head on {paths.Count} photos of {classes.Count} classes " +
                $"({string.Join(", ", classes.Select(c => $"{c.Name}: {c.Images.Count}"))}); wrote {output}");
            return ExitCodes.Success;
        });
}

using System.CommandLine;
using System.Globalization;
using CnnGpu.Cli.Rendering;
using CnnGpu.Networks.Features;
using CnnGpu.Networks.Imaging;
using CnnGpu.Networks.Zoo;

namespace CnnGpu.Cli.Commands;

/// <summary>
/// <c>cnngpu classify &lt;image|folder&gt;… (--model &lt;file.onnx|zoo-net&gt; | --head head.json) [--labels imagenet|file]
/// [--top K] [--preprocess torchvision|cntk] [--resize N] [--crop N] [--mean a,b,c] [--std a,b,c] [--json] [--backend B]</c>:
/// the top-K classes of each photo, all photos through one session.
/// </summary>
internal static class ClassifyCommand
{
    private const string Name = "classify";

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var images = new Argument<string[]>("images") { Description = PhotoCommands.ImagesDescription, Arity = ArgumentArity.OneOrMore };
        var model = new Option<string?>("--model", "-m") { Description = "A trained ONNX classifier, or a zoo network (random weights: for trying the pipeline only)." };
        var head = new Option<string?>("--head") { Description = "A few-shot head from 'cnngpu head train' (instead of --model): answers with its class names." };
        var labels = new Option<string?>("--labels") { Description = "imagenet, or a file with one class name per line (default: imagenet for 1000 classes, else \"class N\")." };
        var top = new Option<int>("--top", "-k") { Description = "Classes shown per photo.", DefaultValueFactory = _ => 5 };
        var preprocess = new Option<string>("--preprocess") { Description = "torchvision (RGB/255, ImageNet mean/std, resize 256 → crop 224) | cntk (the CNTK/ML.NET ResNet-18 convention: BGR, 0–255 minus ResNetPreprocess.onnx's mean image).", DefaultValueFactory = _ => "torchvision" };
        var resize = new Option<int?>("--resize") { Description = "Scale the shorter side to N before cropping (default: crop·256/224 for torchvision, the crop for cntk)." };
        var crop = new Option<int?>("--crop") { Description = "Centre crop side (default: the model's input side; sets a zoo network's input)." };
        var mean = new Option<string?>("--mean") { Description = "Per-channel R,G,B mean subtracted after /255 (torchvision only), e.g. 0.485,0.456,0.406." };
        var std = new Option<string?>("--std") { Description = "Per-channel R,G,B standard deviation (torchvision only), e.g. 0.229,0.224,0.225." };
        var json = new Option<bool>("--json") { Description = "Print [{\"image\",\"predictions\":[{\"label\",\"probability\"}]}] on stdout and nothing else there." };
        var backend = new Option<string>("--backend", "-b") { Description = PhotoCommands.BackendDescription, DefaultValueFactory = _ => "auto" };
        var command = new Command(Name, "Classify photos with a trained ONNX classifier or a few-shot head: the top-K classes of each with probabilities. " + PhotoCommands.ExitRule)
        {
            images, model, head, labels, top, preprocess, resize, crop, mean, std, json, backend,
        };
        command.SetAction(parse =>
        {
            var settings = new ClassifySettings(
                parse.GetRequiredValue(images), parse.GetValue(model), parse.GetValue(head), parse.GetValue(labels), parse.GetValue(top),
                parse.GetValue(preprocess) ?? "torchvision", parse.GetValue(resize), parse.GetValue(crop), parse.GetValue(mean), parse.GetValue(std),
                parse.GetValue(json), parse.GetValue(backend) ?? "auto");
            return Run(settings, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
        });
        return Examples.Add(
            command,
            "cnngpu classify samples/chelsea.png --model resnet18 --top 3",
            "cnngpu classify samples --head head.json --json");
    }

    /// <summary>Runs the command; returns the exit code.</summary>
    internal static int Run(ClassifySettings s, TextWriter output, TextWriter error) => PhotoCommands.Guard(Name, error, () =>
    {
        if (Misuse(s) is { } usage)
        {
            return PhotoCommands.Fail(Name, error, usage);
        }

        if (PhotoCommands.Expand(Name, s.Images, error) is not { } paths)
        {
            return ExitCodes.Usage;
        }

        var progress = CliProgress.For(error, quiet: s.Json);
        var predictions = s.Head is not null ? WithHead(s, paths, progress) : WithModel(s, paths, progress, error);
        if (predictions is null)
        {
            return ExitCodes.Usage;
        }

        if (s.Json)
        {
            PhotoCommands.WriteJson(output, paths.Select((p, i) => new { Image = p, Predictions = predictions[i] }));
        }
        else
        {
            Print(output, paths, predictions);
        }

        return ExitCodes.Success;
    });

    /// <summary>Each photo's name, then one row per class: probability and label.</summary>
    internal static void Print(TextWriter output, IReadOnlyList<string> paths, IReadOnlyList<Prediction[]> predictions)
    {
        for (int i = 0; i < paths.Count; i++)
        {
            output.WriteLine(paths[i]);
            foreach (var p in predictions[i])
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {p.Probability,7:0.0000}  {p.Label}"));
            }
        }
    }

    private static Prediction[][] WithHead(ClassifySettings s, IReadOnlyList<string> paths, CliProgress progress)
    {
        using var head = FewShotHead.Load(s.Head!);
        using var embedder = PhotoCommands.OpenEmbedder(progress, s.Backend, paths.Count);
        var features = PhotoCommands.Embed(progress, embedder, paths);
        return [.. features.Select(f => head.Predict(f).Take(s.Top).ToArray())];
    }

    private static Prediction[][]? WithModel(ClassifySettings s, IReadOnlyList<string> paths, CliProgress progress, TextWriter error)
    {
        string model = s.Model!;
        bool zoo = Arguments.IsZooBuild(model) || model == TinyNet.Name;
        var graph = progress.Step($"loading {model}", () => Arguments.Load(model, new NetworkOptions(s.Crop)));
        if (graph.Inputs.Length != 1 || graph.Inputs[0].ItemShape is not { Rank: 3 } item || item[0] != 3 || item[1] != item[2])
        {
            throw new Runtime.CnnGpuException($"'{model}' takes {string.Join(", ", graph.Inputs.Select(i => i.ItemShape))}; classify feeds square RGB photos [3, N, N].");
        }

        int side = item[1];
        if (s.Crop is { } crop && crop != side)
        {
            PhotoCommands.Fail(Name, error, $"--crop {crop} does not fit '{model}', whose input is {side}x{side}.");
            return null;
        }

        bool cntk = s.Preprocess == "cntk";
        var preprocessing = cntk ? ImagePreprocessing.Featurizer(side) : ImagePreprocessing.TorchVision(side);
        preprocessing = preprocessing with
        {
            Resize = s.Resize ?? preprocessing.Resize,
            Normalization = preprocessing.Normalization with
            {
                Mean = s.Mean is null ? preprocessing.Normalization.Mean : Triple(s.Mean)!,
                Std = s.Std is null ? preprocessing.Normalization.Std : Triple(s.Std)!,
            },
        };
        if (preprocessing.Resize < side)
        {
            PhotoCommands.Fail(Name, error, $"--resize {preprocessing.Resize} is smaller than the {side}x{side} crop.");
            return null;
        }

        if (cntk)
        {
            graph = FeaturizerModels.WithPreprocess(graph);
        }

        int classes = ImageClassifier.ClassCount(graph);
        IReadOnlyList<string>? names = s.Labels switch
        {
            null => classes == ClassLabels.ImageNetClasses ? ClassLabels.ImageNet() : null,
            "imagenet" => ClassLabels.ImageNet(),
            _ => ClassLabels.Read(s.Labels),
        };
        if (names is not null && names.Count != classes)
        {
            PhotoCommands.Fail(Name, error, $"--labels {s.Labels ?? "imagenet"} has {names.Count} names; '{model}' outputs {classes} classes.");
            return null;
        }

        if (zoo)
        {
            error.WriteLine($"cnngpu {Name}: warning: '{model}' is a zoo network with random weights: its labels and probabilities mean nothing. Give a trained ONNX file (--model file.onnx) or a few-shot head (--head head.json).");
        }

        using var classifier = progress.Step("preparing the session (weight packing)", () => new ImageClassifier(graph, preprocessing, names, PhotoCommands.Session(s.Backend, paths.Count)));
        var chunks = paths.Chunk(PhotoCommands.MaxBatch).ToList();
        var all = new List<Prediction[]>();
        progress.Items($"classifying {paths.Count} photo(s)", chunks, chunk => all.AddRange(classifier.Classify(chunk, s.Top)));
        return [.. all];
    }

    /// <summary>What is wrong with the command line itself, or null when nothing is.</summary>
    private static string? Misuse(ClassifySettings s)
    {
        if ((s.Model is null) == (s.Head is null))
        {
            return "give either --model (a classifier) or --head (a few-shot head from 'cnngpu head train'), not both or neither.";
        }

        if (s.Top < 1)
        {
            return $"--top must be at least 1, got {s.Top}.";
        }

        if (s.Head is not null)
        {
            if (s.Labels is not null || s.Resize is not null || s.Crop is not null || s.Mean is not null || s.Std is not null || s.Preprocess != "torchvision")
            {
                return "--head classifies ResNet-18 features with the head's own class names and the featurizer's preprocessing; --labels, --preprocess, --resize, --crop, --mean and --std apply to --model.";
            }

            return File.Exists(s.Head) ? null : $"head file '{s.Head}' does not exist.";
        }

        if (Arguments.UnknownModel(s.Model!) is { } unknown)
        {
            return unknown;
        }

        if (s.Preprocess is not ("torchvision" or "cntk"))
        {
            return $"--preprocess must be torchvision or cntk, got '{s.Preprocess}'.";
        }

        if (s.Preprocess == "cntk" && (s.Mean is not null || s.Std is not null))
        {
            return "--mean and --std set the torchvision normalisation; cntk subtracts ResNetPreprocess.onnx's mean image.";
        }

        if (s.Labels is not null && s.Labels != "imagenet" && !File.Exists(s.Labels))
        {
            return $"labels file '{s.Labels}' does not exist (give imagenet or a file with one name per line).";
        }

        return Arguments.OutOfRange("--resize", s.Resize, 1, Arguments.MaxInput)
            ?? Arguments.OutOfRange("--crop", s.Crop, 1, Arguments.MaxInput)
            ?? BadTriple("--mean", s.Mean, allowZero: true)
            ?? BadTriple("--std", s.Std, allowZero: false);
    }

    private static string? BadTriple(string option, string? text, bool allowZero) =>
        text is null ? null
        : Triple(text) is not { } values ? $"{option} takes three comma-separated numbers (R,G,B), got '{text}'."
        : !allowZero && values.Any(v => v <= 0) ? $"{option} values must be positive, got '{text}'."
        : null;

    private static float[]? Triple(string text)
    {
        string[] parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new float[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!float.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !float.IsFinite(values[i]))
            {
                return null;
            }
        }

        return values.Length == 3 ? values : null;
    }
}

/// <summary>The command line of <c>cnngpu classify</c>.</summary>
internal sealed record ClassifySettings(
    IReadOnlyList<string> Images,
    string? Model,
    string? Head,
    string? Labels,
    int Top,
    string Preprocess,
    int? Resize,
    int? Crop,
    string? Mean,
    string? Std,
    bool Json,
    string Backend);

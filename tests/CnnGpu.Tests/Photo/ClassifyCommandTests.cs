using System.Text.Json;
using CnnGpu.Networks.Imaging;
using CnnGpu.Networks.Onnx.Export;
using CnnGpu.Networks.Zoo;
using CnnGpu.Runtime.Backends.Reference;
using CnnGpu.Runtime.Execution;
using CnnGpu.Runtime.Graph;
using CnnGpu.Runtime.Tensors;
using CnnGpu.Tests.Onnx;
using CnnGpu.Tests.Support;
using static CnnGpu.Tests.Cli.Cli;

namespace CnnGpu.Tests.Photo;

/// <summary>
/// <c>cnngpu classify</c> on the sample photos: an ONNX classifier built and exported here gives the labels and
/// probabilities ONNX Runtime gives on the same preprocessed input; a softmax output is not softmaxed again; the
/// cntk preset is ResNetPreprocess.onnx exactly; a zoo network warns that its weights are random; errors are one line.
/// </summary>
[Collection(OnPhotos.Name)]
public sealed class ClassifyCommandTests : IDisposable
{
    private static readonly string[] Photos = ["chelsea.png", "rocket.jpg"];
    private static readonly string[] Names = ["ant", "bee", "cat", "dog", "eel", "fox", "gnu", "hen", "ibis", "jay"];

    private readonly Scratch _scratch = new();
    private readonly string _model;
    private readonly string _labels;

    public ClassifyCommandTests()
    {
        // 32×32 RGB → conv 3×3/2 → ReLU → global average pool → FC 10: logits, no softmax.
        var b = new GraphBuilder("tiny-classifier", new WeightInitializer(11));
        int x = b.Input("image", 3, 32, 32);
        x = b.Relu("relu", b.Conv2d("conv", x, 8, Conv2dAttrs.Square(3, stride: 2, pad: 1)));
        x = b.FullyConnected("fc", b.Flatten("flatten", b.GlobalAvgPool("gap", x)), Names.Length);
        b.Output(x);
        _model = _scratch.File("classifier.onnx");
        OnnxExporter.Save(b.Build(), _model);
        _labels = _scratch.File("labels.txt");
        File.WriteAllLines(_labels, Names);
    }

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void Prints_k_labelled_rows_sorted_by_probability_as_onnx_runtime_computes_them()
    {
        var (code, stdout, stderr) = Invoke(["classify", .. Photos.Select(PhotoCli.Sample), "--model", _model, "--labels", _labels, "--top", "3", "--backend", "cpu"]);

        Assert.True(code == 0, stderr);
        var printed = PhotoCli.ParseClassify(stdout);
        Assert.Equal(Photos.Select(PhotoCli.Sample), printed.Select(p => p.Image));
        var expected = OrtTop(Photos, 3);
        for (int n = 0; n < Photos.Length; n++)
        {
            var rows = printed[n].Rows;
            Assert.Equal(3, rows.Count);
            Assert.Equal(expected[n].Select(e => e.Label), rows.Select(r => r.Label));
            Assert.True(rows.Zip(rows.Skip(1)).All(pair => pair.First.Probability >= pair.Second.Probability), stdout);
            foreach (var (row, (_, p)) in rows.Zip(expected[n]))
            {
                // Printed with four decimals.
                Assert.True(Math.Abs(row.Probability - p) <= 5.1e-5, $"{row.Label}: printed {row.Probability}, ONNX Runtime {p}");
            }
        }
    }

    [Fact]
    public void Json_holds_only_the_predictions_onnx_runtime_computes()
    {
        var (code, stdout, stderr) = Invoke(["classify", .. Photos.Select(PhotoCli.Sample), "--model", _model, "--labels", _labels, "--top", "4", "--json", "--backend", "cpu"]);

        Assert.True(code == 0, stderr);
        Assert.Empty(stderr);
        using var json = JsonDocument.Parse(stdout);
        var expected = OrtTop(Photos, 4);
        Assert.Equal(Photos.Length, json.RootElement.GetArrayLength());
        for (int n = 0; n < Photos.Length; n++)
        {
            var item = json.RootElement[n];
            Assert.Equal(PhotoCli.Sample(Photos[n]), item.GetProperty("image").GetString());
            var predictions = item.GetProperty("predictions").EnumerateArray().ToList();
            Assert.Equal(expected[n].Select(e => e.Label), predictions.Select(p => p.GetProperty("label").GetString()));
            Tolerance.AssertClose(
                [.. expected[n].Select(e => (float)e.Probability)],
                [.. predictions.Select(p => p.GetProperty("probability").GetSingle())],
                $"{Photos[n]} probabilities");
        }
    }

    [Fact]
    public void A_softmax_output_is_taken_as_it_is_and_a_zoo_network_warns_of_random_weights()
    {
        string photo = PhotoCli.Sample("coffee.png");

        var (code, stdout, stderr) = Invoke("classify", photo, "--model", TinyNet.Name, "--top", "10", "--backend", "cpu");

        Assert.True(code == 0, stderr);
        Assert.Contains("random weights", stderr, StringComparison.Ordinal);
        using var backend = new ReferenceBackend();
        using var executor = new Executor(TinyNet.Build(), backend);
        float[] probabilities = executor.Run(ImagePreprocessing.TorchVision(32).LoadBatch([photo])).Data;
        var rows = Assert.Single(PhotoCli.ParseClassify(stdout)).Rows;
        Assert.Equal(10, rows.Count);
        foreach (var row in rows)
        {
            int k = int.Parse(row.Label["class ".Length..], System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(Math.Abs(row.Probability - probabilities[k]) <= 5.1e-5, $"{row.Label}: printed {row.Probability}, tinynet's softmax {probabilities[k]}");
        }
    }

    [Fact]
    public void A_1000_class_output_is_labelled_with_the_imagenet_names()
    {
        string photo = PhotoCli.Sample("chelsea.png");

        // ResNet-18 from the zoo at 32×32 (fast); its seeded weights are random, so the warning must come.
        var (code, stdout, stderr) = Invoke("classify", photo, "--model", "resnet18", "--crop", "32", "--top", "3", "--backend", "cpu");

        Assert.True(code == 0, stderr);
        Assert.Contains("random weights", stderr, StringComparison.Ordinal);
        string[] names = File.ReadAllLines(Path.Combine(TestFiles.RepositoryRoot, "data", "imagenet_classes.txt"));
        using var backend = new ReferenceBackend();
        using var executor = new Executor(NetworkZoo.Build("resnet18", new NetworkOptions(32)), backend);
        float[] probabilities = executor.Run(ImagePreprocessing.TorchVision(32).LoadBatch([photo])).Data;
        var expected = probabilities.Select((p, k) => (Name: names[k], p)).OrderByDescending(e => e.p).Take(3).Select(e => e.Name);
        Assert.Equal(expected, Assert.Single(PhotoCli.ParseClassify(stdout)).Rows.Select(r => r.Label));
    }

    [Fact]
    public void The_cntk_preset_feeds_the_model_through_resnet_preprocess_as_ml_net_does()
    {
        // ResNet18.onnx outputs 512 features: as "classes" their softmax is a fine check of the whole input path.
        var (code, stdout, stderr) = Invoke("classify", PhotoCli.Sample("astronaut.png"), "--model", TestFiles.ResNet18, "--preprocess", "cntk", "--top", "3", "--backend", "cpu");

        Assert.True(code == 0, stderr);
        double[] expected = PhotoCli.Softmax(ResNet18Oracle.ExpectedFeatures[Array.IndexOf(ResNet18Oracle.Photos, "astronaut.png")]);
        var top = expected.Select((p, k) => (Label: $"class {k}", p)).OrderByDescending(e => e.p).Take(3).ToList();
        var rows = Assert.Single(PhotoCli.ParseClassify(stdout)).Rows;
        Assert.Equal(top.Select(t => t.Label), rows.Select(r => r.Label));
        Assert.All(rows.Zip(top), pair => Assert.True(Math.Abs(pair.First.Probability - pair.Second.p) <= 5.1e-5 + (1e-4 * pair.Second.p), $"{pair.First} vs {pair.Second}"));
    }

    [Fact]
    public void Torchvision_preprocessing_scales_the_shorter_side_crops_the_centre_and_normalises()
    {
        // 120×60: the left half (0,0,0), the right half (200,100,50). Shorter side 60 → 37 (32·256/224), so the
        // 32-wide centre crop straddles the edge: its left columns are black, its right columns the colour.
        string path = _scratch.File("halves.png");
        using (var bitmap = new SkiaSharp.SKBitmap(120, 60))
        {
            using var canvas = new SkiaSharp.SKCanvas(bitmap);
            canvas.Clear(new SkiaSharp.SKColor(0, 0, 0));
            using var paint = new SkiaSharp.SKPaint { Color = new SkiaSharp.SKColor(200, 100, 50) };
            canvas.DrawRect(60, 0, 60, 60, paint);
            using var png = SkiaSharp.SKImage.FromBitmap(bitmap).Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(path, png.ToArray());
        }

        var preprocessing = ImagePreprocessing.TorchVision(32);
        Assert.Equal(37, preprocessing.Resize);
        var batch = preprocessing.LoadBatch([path]);

        Assert.Equal(new TensorShape(1, 3, 32, 32), batch.Shape);
        float[] mean = [0.485f, 0.456f, 0.406f], std = [0.229f, 0.224f, 0.225f];
        byte[] colour = [200, 100, 50];
        for (int c = 0; c < 3; c++)
        {
            float black = (0 - mean[c]) / std[c], coloured = ((colour[c] / 255f) - mean[c]) / std[c];
            for (int y = 0; y < 32; y++)
            {
                // Two columns either side of the edge may blend; columns 0–13 and 18–31 are pure.
                Assert.Equal(black, batch.Data[(c * 1024) + (y * 32) + 0], 4);
                Assert.Equal(black, batch.Data[(c * 1024) + (y * 32) + 13], 4);
                Assert.Equal(coloured, batch.Data[(c * 1024) + (y * 32) + 18], 4);
                Assert.Equal(coloured, batch.Data[(c * 1024) + (y * 32) + 31], 4);
            }
        }
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("empty")]
    [InlineData("both")]
    [InlineData("neither")]
    [InlineData("preset")]
    [InlineData("labels")]
    [InlineData("crop")]
    public void A_wrong_command_line_is_one_line_and_exit_2(string problem)
    {
        string photo = PhotoCli.Sample("chelsea.png");
        string shortLabels = _scratch.File("three.txt");
        File.WriteAllLines(shortLabels, ["a", "b", "c"]);
        string[] args = problem switch
        {
            "missing" => ["classify", _scratch.File("nope.png"), "--model", _model],
            "empty" => ["classify", Directory.CreateDirectory(_scratch.File("empty")).FullName, "--model", _model],
            "both" => ["classify", photo, "--model", _model, "--head", _labels],
            "neither" => ["classify", photo],
            "preset" => ["classify", photo, "--model", _model, "--preprocess", "caffe"],
            "labels" => ["classify", photo, "--model", _model, "--labels", shortLabels, "--backend", "cpu"],
            _ => ["classify", photo, "--model", _model, "--crop", "64"],
        };

        var (code, stdout, stderr) = Invoke(args);

        Assert.Equal(2, code);
        Assert.Empty(stdout);
        PhotoCli.AssertOneLineError(stderr, "classify", problem switch
        {
            "missing" => "nope.png",
            "empty" => "holds no image",
            "preset" => "caffe",
            "labels" => "3 names",
            "crop" => "--crop 64",
            _ => "--head",
        });
    }

    [Fact]
    public void A_file_that_is_not_an_image_fails_the_run_naming_it()
    {
        string text = _scratch.File("notes.png");
        File.WriteAllText(text, "not a picture");

        var (code, stdout, stderr) = Invoke("classify", PhotoCli.Sample("chelsea.png"), text, "--model", _model, "--backend", "cpu");

        Assert.Equal(1, code);
        Assert.Empty(stdout);
        PhotoCli.AssertOneLineError(stderr, "classify", "notes.png");
    }

    /// <summary>The top <paramref name="k"/> labels and probabilities from ONNX Runtime on the preprocessed photos.</summary>
    private List<List<(string Label, double Probability)>> OrtTop(string[] photos, int k)
    {
        var input = ImagePreprocessing.TorchVision(32).LoadBatch([.. photos.Select(PhotoCli.Sample)]);
        using var ort = new OrtOracle(_model);
        var logits = ort.Run(input)[0];
        return [.. Enumerable.Range(0, photos.Length).Select(n =>
        {
            double[] p = PhotoCli.Softmax(logits.Data.AsSpan(n * Names.Length, Names.Length));
            return p.Select((v, i) => (Names[i], v)).OrderByDescending(e => e.v).Take(k).ToList();
        })];
    }
}

using System.Text.Json;
using CnnGpu.Networks.Features;
using CnnGpu.Tests.Onnx;
using static CnnGpu.Tests.Cli.Cli;

namespace CnnGpu.Tests.Photo;

/// <summary>
/// <c>cnngpu head train</c> then <c>cnngpu classify --head</c>: trained on four wide views of each sample photo,
/// the head names the class of every held-out view (measured: all 16 right with either kind; see
/// <see cref="FewShotHeadTests"/> for the harder close views, where the kinds differ).
/// </summary>
[Collection(OnPhotos.Name)]
public sealed class HeadCommandTests(PhotoFixture fixture) : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void Train_then_classify_gets_the_held_out_views_right()
    {
        var views = fixture.Wide;
        string head = _scratch.File("head.json");

        var (code, stdout, stderr) = Invoke("head", "train", views.TrainFolder, "--out", head, "--backend", "cpu");

        Assert.True(code == 0, stderr);
        Assert.StartsWith($"trained a {HeadKinds.Name(FewShotHead.DefaultKind)} head on 16 photos of 4 classes (astronaut: 4, chelsea: 4, coffee: 4, rocket: 4); wrote {head}", stdout, StringComparison.Ordinal);

        (code, stdout, stderr) = Invoke(["classify", .. views.HeldOut.Select(v => v.Path), "--head", head, "--top", "2", "--json", "--backend", "cpu"]);

        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var answers = json.RootElement.EnumerateArray().Select(e => (
            Image: e.GetProperty("image").GetString(),
            Top: e.GetProperty("predictions").EnumerateArray().Select(p => p.GetProperty("label").GetString()).ToList())).ToList();
        Assert.Equal(views.HeldOut.Select(v => v.Path), answers.Select(a => a.Image));
        Assert.All(answers, a => Assert.Equal(2, a.Top.Count));
        Assert.Equal(views.HeldOut.Select(v => v.Class), answers.Select(a => a.Top[0]));
    }

    [Theory]
    [InlineData("kind")]
    [InlineData("classes")]
    [InlineData("folder")]
    public void A_wrong_command_line_is_one_line_and_exit_2(string problem)
    {
        string oneClass = Path.Combine(_scratch.Path, "one");
        Directory.CreateDirectory(Path.Combine(oneClass, "cat"));
        File.Copy(PhotoCli.Sample("chelsea.png"), Path.Combine(oneClass, "cat", "chelsea.png"));
        string[] args = problem switch
        {
            "kind" => ["head", "train", fixture.Wide.TrainFolder, "--out", _scratch.File("h.json"), "--kind", "svm"],
            "classes" => ["head", "train", oneClass, "--out", _scratch.File("h.json")],
            _ => ["head", "train", _scratch.File("nowhere"), "--out", _scratch.File("h.json")],
        };

        var (code, stdout, stderr) = Invoke(args);

        Assert.Equal(2, code);
        Assert.Empty(stdout);
        PhotoCli.AssertOneLineError(stderr, "head train", problem switch
        {
            "kind" => "svm",
            "classes" => "at least two",
            _ => "nowhere",
        });
    }

    [Fact]
    public void A_file_that_is_not_a_head_fails_the_run_naming_it()
    {
        string notHead = _scratch.File("labels.json");
        File.WriteAllText(notHead, "{\"hello\": 1}");

        var (code, stdout, stderr) = Invoke("classify", PhotoCli.Sample("chelsea.png"), "--head", notHead, "--backend", "cpu");

        Assert.Equal(1, code);
        Assert.Empty(stdout);
        PhotoCli.AssertOneLineError(stderr, "classify", "labels.json");
    }
}

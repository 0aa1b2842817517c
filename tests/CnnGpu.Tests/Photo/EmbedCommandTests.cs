using System.Text.Json;
using CnnGpu.Networks.Io;
using CnnGpu.Runtime.Tensors;
using CnnGpu.Tests.Onnx;
using CnnGpu.Tests.Support;
using static CnnGpu.Tests.Cli.Cli;

namespace CnnGpu.Tests.Photo;

/// <summary>
/// <c>cnngpu embed</c> and <c>cnngpu similar</c> on the sample photos: the features are ONNX Runtime's for the
/// same model files and input (L2-normalised here), within 1e-5 + 1e-4·|e|; the JSON parses and is all of stdout;
/// similar ranks a query that is in the folder first, with ONNX Runtime's cosines.
/// </summary>
[Collection(OnPhotos.Name)]
public sealed class EmbedCommandTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void Json_gives_512_values_equal_to_onnx_runtime_features()
    {
        string photo = PhotoCli.Sample("chelsea.png");

        var (code, stdout, stderr) = Invoke("embed", photo, "--json", "--backend", "cpu");

        Assert.True(code == 0, stderr);
        Assert.Empty(stderr);
        using var json = JsonDocument.Parse(stdout);
        var item = Assert.Single(json.RootElement.EnumerateArray());
        Assert.Equal(photo, item.GetProperty("image").GetString());
        float[] embedding = [.. item.GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle())];
        Assert.Equal(512, embedding.Length);
        Tolerance.AssertClose(PhotoCli.ExpectedEmbedding("chelsea.png"), embedding, "chelsea.png embedding");
    }

    [Fact]
    public void Npy_holds_one_row_per_photo_of_a_folder_in_name_order()
    {
        string npy = _scratch.File("features.npy");

        var (code, stdout, stderr) = Invoke("embed", TestFiles.Samples, "--npy", npy, "--backend", "cpu");

        Assert.True(code == 0, stderr);
        Assert.StartsWith($"wrote {npy}: [4, 512]", stdout, StringComparison.Ordinal);
        var features = NpyFile.Read(npy);
        Assert.Equal(new TensorShape(4, 512), features.Shape);
        string[] order = [.. ResNet18Oracle.Photos.Order(StringComparer.Ordinal)];
        for (int n = 0; n < order.Length; n++)
        {
            Tolerance.AssertClose(PhotoCli.ExpectedEmbedding(order[n]), features.Data.AsSpan(n * 512, 512), order[n]);
        }
    }

    [Fact]
    public void Similar_ranks_the_query_first_and_the_rest_by_onnx_runtime_cosine()
    {
        string query = "coffee.png";

        var (code, stdout, stderr) = Invoke("similar", PhotoCli.Sample(query), TestFiles.Samples, "--backend", "cpu");

        Assert.True(code == 0, stderr);
        var ranked = PhotoCli.ParseSimilar(stdout);
        Assert.Equal(4, ranked.Count);
        Assert.Equal(PhotoCli.Sample(query), ranked[0].Image);
        var cosines = ResNet18Oracle.Cosines(ResNet18Oracle.ExpectedFeatures);
        int q = Array.IndexOf(ResNet18Oracle.Photos, query);
        var expected = ResNet18Oracle.Photos.Select((p, i) => (Image: PhotoCli.Sample(p), Score: cosines[q, i])).OrderByDescending(e => e.Score).ToList();
        Assert.Equal(expected.Select(e => e.Image), ranked.Select(r => r.Image));
        Assert.All(ranked.Zip(expected), pair => Assert.Equal(pair.Second.Score, pair.First.Score, 4));
    }

    [Theory]
    [InlineData("embed", "both")]
    [InlineData("embed", "missing")]
    [InlineData("similar", "folder")]
    [InlineData("similar", "top")]
    public void A_wrong_command_line_is_one_line_and_exit_2(string command, string problem)
    {
        string photo = PhotoCli.Sample("chelsea.png");
        string[] args = problem switch
        {
            "both" => ["embed", photo, "--json", "--npy", _scratch.File("x.npy")],
            "missing" => ["embed", _scratch.File("nope.jpg")],
            "folder" => ["similar", photo, _scratch.File("no-folder")],
            _ => ["similar", photo, TestFiles.Samples, "--top", "0"],
        };

        var (code, stdout, stderr) = Invoke(args);

        Assert.Equal(2, code);
        Assert.Empty(stdout);
        PhotoCli.AssertOneLineError(stderr, command, problem switch
        {
            "both" => "--npy",
            "missing" => "nope.jpg",
            "folder" => "no-folder",
            _ => "--top",
        });
    }
}

using CnnGpu.Networks.Features;
using CnnGpu.Tests.Onnx;

namespace CnnGpu.Tests.Photo;

/// <summary>The ResNet-18 model files are found without a path: CNNGPU_MODELS first, then next to the assembly (the build copies them there).</summary>
[Collection(OnPhotos.Name)]
public sealed class FeaturizerModelsTests
{
    [Fact]
    public void The_build_output_carries_the_model_files_and_the_environment_variable_is_searched_first()
    {
        string nextToAssembly = Path.Combine(AppContext.BaseDirectory, "DnnImageModels");
        Assert.True(File.Exists(Path.Combine(nextToAssembly, FeaturizerModels.ResNet18File)));
        Assert.Equal(new FileInfo(TestFiles.ResNet18).Length, new FileInfo(Path.Combine(nextToAssembly, FeaturizerModels.ResNet18File)).Length);

        using var scratch = new Scratch();
        string? before = Environment.GetEnvironmentVariable(FeaturizerModels.EnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable(FeaturizerModels.EnvironmentVariable, scratch.Path);
            Assert.Equal(scratch.Path, FeaturizerModels.SearchFolders()[0]);

            // An empty folder is passed over for the next place that holds both files.
            Assert.Equal(nextToAssembly, FeaturizerModels.Locate());

            Directory.CreateDirectory(Path.Combine(scratch.Path, "ResNet18Onnx"));
            Directory.CreateDirectory(Path.Combine(scratch.Path, "ResNetPrepOnnx"));
            File.Copy(TestFiles.ResNetPreprocess, Path.Combine(scratch.Path, FeaturizerModels.PreprocessFile));
            File.WriteAllBytes(Path.Combine(scratch.Path, FeaturizerModels.ResNet18File), []);
            Assert.Equal(scratch.Path, FeaturizerModels.Locate());
        }
        finally
        {
            Environment.SetEnvironmentVariable(FeaturizerModels.EnvironmentVariable, before);
        }
    }
}

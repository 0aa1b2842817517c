namespace CnnGpu.Tests.Onnx;

/// <summary>A temporary folder deleted on dispose.</summary>
public sealed class Scratch : IDisposable
{
    public string Path { get; } = TestFiles.NewScratchFolder();

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

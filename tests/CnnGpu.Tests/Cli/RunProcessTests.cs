using System.Diagnostics;
using CnnGpu.Tests.Onnx;

namespace CnnGpu.Tests.Cli;

/// <summary>The real <c>cnngpu</c> executable: a file that is not ONNX exits 1 with one line on stderr and no stack trace.</summary>
public sealed class RunProcessTests
{
    [Fact]
    public void Not_onnx_model_exits_1_with_one_line()
    {
        using var scratch = new Scratch();
        string input = scratch.File("in.npy");
        Networks.Io.NpyFile.Write(input, Support.RandomData.Symmetric(1, 1, 3, 8, 8));
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string arg in new[] { Path.Combine(AppContext.BaseDirectory, "cnngpu.dll"), "run", "--model", Path.Combine(TestFiles.Samples, "rocket.jpg"), "--input", input, "--output", scratch.File("out.npy") })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        string stdout = process.StandardOutput.ReadToEnd();
        string stderr = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), "cnngpu did not finish");

        Assert.Equal(1, process.ExitCode);
        Assert.Empty(stdout);
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("cnngpu run: ", line, StringComparison.Ordinal);
        Assert.Contains("rocket.jpg' is not a valid ONNX model", line, StringComparison.Ordinal);
    }
}

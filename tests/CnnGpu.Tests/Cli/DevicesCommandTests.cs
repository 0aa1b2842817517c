using CnnGpu.Cli.Commands;
using CnnGpu.Kernels.Simd;
using CnnGpu.Runtime.Backends;
using CnnGpu.Tests.Support;

namespace CnnGpu.Tests.Cli;

/// <summary><c>cnngpu devices</c>: the device table, the <c>auto</c> choice, and the SIMD path of the cpu backend.</summary>
public sealed class DevicesCommandTests
{
    [Fact]
    public void Lists_every_device_marks_auto_and_names_the_simd_path()
    {
        var (code, stdout, stderr) = Cli.Invoke("devices");

        Assert.True(code == 0, stderr);
        var lines = Cli.Lines(stdout);
        string auto = BackendFactory.ResolveAuto();
        foreach (var device in BackendFactory.ListDevices())
        {
            string row = Assert.Single(lines, l => l.StartsWith($"│ {device.Id} ", StringComparison.Ordinal));
            Assert.Contains(device.Name, row, StringComparison.Ordinal);
            Assert.Equal(device.Id == auto, row.Contains("◀ auto", StringComparison.Ordinal));
        }

        Assert.Contains($"auto → {auto}", lines);
        Assert.Contains(DevicesCommand.SimdLine(), lines);
    }

    [SkippableFact]
    public void Simd_line_names_the_widest_path_and_the_narrower_ones_to_force()
    {
        Skip.If(SimdCapabilities.Widest is null, "no SIMD unit");
        var widest = SimdCapabilities.Widest!.Value;

        string line = DevicesCommand.SimdLine();

        Assert.StartsWith($"cpu backend: {SimdCapabilities.Describe(widest)}, the widest SIMD path on this CPU; ", line, StringComparison.Ordinal);
        foreach (var width in new[] { SimdWidth.V256, SimdWidth.V128 })
        {
            bool forcible = width < widest && SimdCapabilities.IsAccelerated(width);
            Assert.Equal(forcible, line.Contains($"cpu:{(int)width} ({SimdCapabilities.Describe(width)})", StringComparison.Ordinal));
        }

        Assert.DoesNotContain("cpu:512", line, StringComparison.Ordinal);
        if (widest == SimdWidth.V512)
        {
            Assert.EndsWith("cpu:256 (AVX2+FMA (8 floats)) and cpu:128 (SSE/AVX+FMA (4 floats)) force narrower paths.", line, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_cpu_row_shows_cores_and_vector_lanes_instead_of_thread_groups()
    {
        var (console, writer) = TestConsoles.Create(160);
        DeviceInfo[] devices =
        [
            new("reference", DeviceKind.Reference, "scalar reference (host)", -1, 1, 1, 1),
            new("cpu", DeviceKind.Cpu, "Some CPU, AVX2+FMA (8 floats)", -1, 6, 8, 8),
            new("cuda:0", DeviceKind.Cuda, "Some GPU", 8L << 30, 40, 1024, 32),
        ];

        Assert.Equal(0, DevicesCommand.Run(console, devices, "cuda:0"));

        var lines = Cli.Lines(writer.ToString());
        Assert.Matches(@"^│ cpu\s+│ CPU \(SIMD\)\s+│ Some CPU, AVX2\+FMA \(8 floats\)\s+│\s+host │\s+6 │\s+- │\s+8 │\s+│$", Assert.Single(lines, l => l.StartsWith("│ cpu ", StringComparison.Ordinal)));
        Assert.Matches(@"^│ cuda:0\s+│ Cuda\s+│ Some GPU\s+│\s+8\.0 GiB │\s+40 │\s+1024 │\s+32 │ ◀ auto │$", Assert.Single(lines, l => l.StartsWith("│ cuda:0 ", StringComparison.Ordinal)));
        Assert.Contains("auto → cuda:0", lines);
    }
}

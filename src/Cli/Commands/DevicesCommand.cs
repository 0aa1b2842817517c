using System.CommandLine;
using System.Globalization;
using CnnGpu.Cli.Rendering;
using CnnGpu.Kernels.Simd;
using CnnGpu.Runtime.Backends;
using Spectre.Console;

namespace CnnGpu.Cli.Commands;

/// <summary>
/// <c>cnngpu devices</c>: lists every device a backend can run on, marks the one <c>auto</c> picks, and says
/// which SIMD path the <c>cpu</c> backend runs and which narrower ones <c>cpu:256</c>/<c>cpu:128</c> force.
/// </summary>
internal static class DevicesCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var command = new Command("devices", "List the devices CnnGpu can run on (auto = CUDA > OpenCL > cpu).");
        command.SetAction(parse => Run(Consoles.ForOutput(parse.InvocationConfiguration.Output)));
        return Examples.Add(command, "cnngpu devices");
    }

    /// <summary>Writes the device table and the notes under it; returns the exit code.</summary>
    /// <param name="console">Where to write.</param>
    internal static int Run(IAnsiConsole console) =>
        Run(console, BackendFactory.ListDevices(), BackendFactory.ResolveAuto(), BackendFactory.GpuAvailability());

    /// <summary>Writes the table of <paramref name="devices"/> with <paramref name="auto"/> marked, and the notes.</summary>
    /// <param name="console">Where to write.</param>
    /// <param name="devices">The devices.</param>
    /// <param name="auto">The id <c>auto</c> resolves to.</param>
    /// <param name="gpus">Whether CUDA and OpenCL are usable, and why not (one line each for those that are not).</param>
    internal static int Run(IAnsiConsole console, IReadOnlyList<DeviceInfo> devices, string auto, IReadOnlyList<GpuAvailability>? gpus = null)
    {
        // On a narrow console the GPU-only columns go first, then the counts and the kind (the id names it).
        var table = new FittedTable().Border(TableBorder.Rounded).Title("[bold]CnnGpu devices[/]")
            .Column("id")
            .Column("kind", drop: 4)
            .Column("name")
            .Column("memory", right: true, drop: 3)
            .Column("cores/units", right: true, drop: 2)
            .Column("max group", right: true, drop: 1)
            .Column("warp/lanes", right: true, drop: 2)
            .Column("auto");
        foreach (var d in devices)
        {
            // Thread groups are a GPU notion (ILGPU's CPU accelerator simulates them); the SIMD CPU backend has vector lanes instead.
            bool groups = d.Kind is not (DeviceKind.Reference or DeviceKind.Cpu);
            table.Row(
                d.Id == auto ? $"[bold green]{Markup.Escape(d.Id)}[/]" : Markup.Escape(d.Id),
                KindName(d.Kind),
                Markup.Escape(d.Name),
                d.MemoryBytes < 0 ? "host" : string.Create(CultureInfo.InvariantCulture, $"{d.MemoryBytes / (1024.0 * 1024 * 1024):F1} GiB"),
                Format(d.ComputeUnits),
                groups ? Format(d.MaxThreadsPerGroup) : "-",
                d.Kind == DeviceKind.Reference ? "-" : Format(d.WarpSize),
                d.Id == auto ? "[green]◀ auto[/]" : string.Empty);
        }

        table.Write(console);
        console.MarkupLine($"auto → [bold green]{Markup.Escape(auto)}[/]");
        foreach (var gpu in (gpus ?? []).Where(g => g.Devices == 0))
        {
            // Why auto did not pick a GPU: the driver library that is missing, the runtime's error, or no device.
            console.MarkupLine($"[dim]{(gpu.Kind == DeviceKind.Cuda ? "cuda" : "opencl")}: none — {Markup.Escape(gpu.Reason ?? "no device")}[/]");
        }

        console.MarkupLine(Markup.Escape(SimdLine()));
        if (auto == "ilgpu-cpu")
        {
            console.MarkupLine("[yellow]No CUDA or OpenCL 2.0+ GPU and no SIMD unit found: auto uses ILGPU's CPU accelerator (a GPU simulator; correct but slow).[/]");
        }

        return ExitCodes.Success;
    }

    /// <summary>
    /// Which SIMD path <c>cpu</c> runs here and which narrower ones can be forced, e.g.
    /// <c>cpu backend: AVX-512 (16 floats), the widest SIMD path on this CPU; cpu:256 (AVX2+FMA (8 floats)) and cpu:128 (SSE/AVX+FMA (4 floats)) force narrower paths.</c>
    /// </summary>
    internal static string SimdLine()
    {
        if (SimdCapabilities.Widest is not { } widest)
        {
            return "cpu backend: unavailable, this CPU has no SIMD unit the kernels can use.";
        }

        var narrower = Enum.GetValues<SimdWidth>()
            .Where(w => w < widest && SimdCapabilities.IsAccelerated(w))
            .OrderByDescending(w => w)
            .Select(w => string.Create(CultureInfo.InvariantCulture, $"cpu:{(int)w} ({SimdCapabilities.Describe(w)})"))
            .ToList();
        string force = narrower.Count switch
        {
            0 => "no narrower path to force (cpu:256 and cpu:128 need one).",
            1 => $"{narrower[0]} forces a narrower path.",
            _ => $"{string.Join(", ", narrower.Take(narrower.Count - 1))} and {narrower[^1]} force narrower paths.",
        };
        return $"cpu backend: {SimdCapabilities.Describe(widest)}, the widest SIMD path on this CPU; {force}";
    }

    private static string KindName(DeviceKind kind) => kind switch
    {
        DeviceKind.Cpu => "CPU (SIMD)",
        DeviceKind.IlgpuCpu => "ILGPU CPU",
        DeviceKind.Reference => "reference",
        _ => kind.ToString(),
    };

    private static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);
}

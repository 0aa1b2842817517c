using System.CommandLine;
using System.Globalization;
using CnnGpu.Cli.Rendering;
using CnnGpu.Runtime.Backends;
using Spectre.Console;

namespace CnnGpu.Cli.Commands;

/// <summary><c>cnngpu devices</c>: lists every device a backend can run on and the one <c>auto</c> picks.</summary>
internal static class DevicesCommand
{
    public static Command Create()
    {
        var command = new Command("devices", "List the devices CnnGpu can run on (auto = CUDA > OpenCL > CPU).");
        command.SetAction(_ => Run());
        return command;
    }

    private static int Run()
    {
        var devices = BackendFactory.ListDevices();
        string auto = BackendFactory.ResolveAuto();
        var table = new Table().Border(TableBorder.Rounded).Title("[bold]CnnGpu devices[/]");
        table.AddColumn("id");
        table.AddColumn("kind");
        table.AddColumn("name");
        table.AddColumn(new TableColumn("memory").RightAligned());
        table.AddColumn(new TableColumn("units").RightAligned());
        table.AddColumn(new TableColumn("max group").RightAligned());
        table.AddColumn("auto");
        foreach (var d in devices)
        {
            table.AddRow(
                Markup.Escape(d.Id),
                d.Kind.ToString(),
                Markup.Escape(d.Name),
                d.MemoryBytes < 0 ? "host" : string.Create(CultureInfo.InvariantCulture, $"{d.MemoryBytes / (1024.0 * 1024 * 1024):F1} GiB"),
                d.ComputeUnits.ToString(CultureInfo.InvariantCulture),
                d.MaxThreadsPerGroup.ToString(CultureInfo.InvariantCulture),
                d.Id == auto ? "[green]◀ auto[/]" : string.Empty);
        }

        var console = Consoles.ForOutput();
        console.Write(table);
        if (auto == "ilgpu-cpu")
        {
            console.MarkupLine("[yellow]No CUDA or OpenCL 2.0+ GPU found: auto uses ILGPU's CPU accelerator (a GPU simulator; correct but slow).[/]");
        }

        return 0;
    }
}

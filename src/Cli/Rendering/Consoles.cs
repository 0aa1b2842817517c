using Spectre.Console;

namespace CnnGpu.Cli.Rendering;

/// <summary>The console commands write to.</summary>
internal static class Consoles
{
    /// <summary>The terminal, or (when piped to a file) a console wide enough that tables never wrap.</summary>
    public static IAnsiConsole ForOutput()
    {
        var console = AnsiConsole.Console;
        if (Console.IsOutputRedirected)
        {
            console.Profile.Width = Math.Max(console.Profile.Width, 160);
        }

        return console;
    }
}

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

    /// <summary>
    /// The terminal when <paramref name="output"/> is standard output; otherwise (an in-process invocation
    /// with its own writer) a plain 160-column console on that writer, without colours or ANSI codes.
    /// </summary>
    /// <param name="output">Where the command's output goes (<c>InvocationConfiguration.Output</c>).</param>
    public static IAnsiConsole ForOutput(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (ReferenceEquals(output, Console.Out))
        {
            return ForOutput();
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 160;
        return console;
    }

    /// <summary>Joins the lines of <paramref name="text"/> into one, for one-line error messages.</summary>
    /// <param name="text">A message, possibly multi-line.</param>
    public static string OneLine(string text) =>
        string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}

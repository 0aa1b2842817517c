using Spectre.Console;

namespace CnnGpu.Tests.Support;

/// <summary>Plain-text consoles of a fixed width for CLI tests.</summary>
public static class TestConsoles
{
    public static (IAnsiConsole Console, StringWriter Writer) Create(int width)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = width;
        return (console, writer);
    }
}

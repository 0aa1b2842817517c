using Spectre.Console;

namespace CnnGpu.Cli.Rendering;

/// <summary>A header of "name  key value  key value" parts that wraps between parts, never inside one, at the console's width.</summary>
internal static class HeaderLine
{
    /// <summary>Writes the parts joined by two spaces, starting a new line where the next part would pass the width.</summary>
    /// <param name="console">Where to write.</param>
    /// <param name="parts">Markup parts, e.g. <c>[bold]resnet50[/]</c>, <c>params 25.6M</c>.</param>
    public static void Write(IAnsiConsole console, params string[] parts) => WriteJoined(console, "  ", parts);

    /// <summary>Writes the parts joined by <paramref name="separator"/>, starting a new line where the next part would pass the width.</summary>
    /// <param name="console">Where to write.</param>
    /// <param name="separator">What goes between two parts on one line.</param>
    /// <param name="parts">Markup parts.</param>
    public static void WriteJoined(IAnsiConsole console, string separator, params string[] parts)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(parts);
        int width = console.Profile.Width;
        var line = new List<string>();
        int length = 0;
        foreach (string part in parts)
        {
            int size = Markup.Remove(part).Length;
            if (line.Count > 0 && length + separator.Length + size > width)
            {
                console.MarkupLine(string.Join(separator, line));
                line.Clear();
                length = 0;
            }

            length += (line.Count > 0 ? separator.Length : 0) + size;
            line.Add(part);
        }

        if (line.Count > 0)
        {
            console.MarkupLine(string.Join(separator, line));
        }
    }
}

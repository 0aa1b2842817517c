using CnnGpu.Networks.Zoo;
using Spectre.Console;

namespace CnnGpu.Cli.Rendering;

/// <summary><c>cnngpu summary --list</c>: every network a command accepts by name, the zoo and tinynet.</summary>
internal static class ZooList
{
    /// <summary>What <c>tinynet</c> is, for the list (it is not a zoo entry: it is built at 32×32 with 10 classes).</summary>
    public const string TinyNetDescription = "32x32 test network using every op family once (the lineage in miniature)";

    /// <summary>Every name with its one-line description, zoo order then tinynet.</summary>
    public static IEnumerable<(string Name, string Description)> Entries() =>
        NetworkZoo.Names.Select(n => (n, NetworkZoo.Describe(n))).Append((TinyNet.Name, TinyNetDescription));

    /// <summary>Writes the list as a table.</summary>
    /// <param name="console">Where to write.</param>
    public static void Render(IAnsiConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);
        var table = new Table().Border(TableBorder.Simple).AddColumn("network").AddColumn("description");
        foreach (var (name, description) in Entries())
        {
            table.AddRow(Markup.Escape(name), Markup.Escape(description));
        }

        console.Write(table);
    }
}

using Spectre.Console;
using Spectre.Console.Rendering;

namespace CnnGpu.Cli.Rendering;

/// <summary>
/// A table that fits the console's width (<c>console.Profile.Width</c>, 80 on a narrow terminal) by dropping whole
/// columns in a stated order instead of letting Spectre wrap cells mid-word (<c>maxpoo/l</c>): each column has a
/// drop rank (0: always shown; 1: dropped first, then 2, …), and the widest layout that fits is written.
/// Cells never wrap; only when even the narrowest layout is too wide does the console crop it.
/// </summary>
internal sealed class FittedTable
{
    private readonly List<(string Header, bool Right, int Drop)> columns = [];
    private readonly List<string[]?> rows = [];
    private string? title;
    private TableBorder border = TableBorder.Simple;

    /// <summary>Adds a column.</summary>
    /// <param name="header">Its header.</param>
    /// <param name="right">Right-aligned (numbers).</param>
    /// <param name="drop">0: always shown; otherwise the rank at which it is dropped to fit (1 first).</param>
    public FittedTable Column(string header, bool right = false, int drop = 0)
    {
        columns.Add((header, right, drop));
        return this;
    }

    /// <summary>Sets the title, centred above the table.</summary>
    /// <param name="markup">The title as markup.</param>
    public FittedTable Title(string markup)
    {
        title = markup;
        return this;
    }

    /// <summary>Sets the border (simple lines by default).</summary>
    /// <param name="value">The border.</param>
    public FittedTable Border(TableBorder value)
    {
        border = value;
        return this;
    }

    /// <summary>Adds a row of markup cells, one per column.</summary>
    /// <param name="cells">The cells.</param>
    public FittedTable Row(params string[] cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        if (cells.Length != columns.Count)
        {
            throw new ArgumentException($"{cells.Length} cells for {columns.Count} columns.", nameof(cells));
        }

        rows.Add(cells);
        return this;
    }

    /// <summary>Adds an empty separator row.</summary>
    public FittedTable EmptyRow()
    {
        rows.Add(null);
        return this;
    }

    /// <summary>The headers of the columns that fit <paramref name="width"/> columns.</summary>
    /// <param name="width">Console width.</param>
    public IReadOnlyList<string> HeadersAt(int width) => [.. Kept(width).Select(i => columns[i].Header)];

    /// <summary>Writes the widest layout that fits the console.</summary>
    /// <param name="console">Where to write.</param>
    public void Write(IAnsiConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);
        console.Write(Build(Kept(console.Profile.Width)));
    }

    /// <summary>The width of a renderable laid out without limit: its longest line.</summary>
    /// <param name="renderable">A table, text, …</param>
    public static int NaturalWidth(IRenderable renderable)
    {
        using var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 100_000;
        console.Write(renderable);
        return writer.ToString().Split('\n').Max(l => l.TrimEnd('\r').Length);
    }

    /// <summary>The indices of the columns of the widest layout that fits; the narrowest layout when none does.</summary>
    private List<int> Kept(int width)
    {
        int ranks = columns.Count == 0 ? 0 : columns.Max(c => c.Drop);
        List<int> kept = [];
        for (int dropped = 0; dropped <= ranks; dropped++)
        {
            kept = [.. Enumerable.Range(0, columns.Count).Where(i => columns[i].Drop == 0 || columns[i].Drop > dropped)];
            if (NaturalWidth(Build(kept)) <= width)
            {
                break;
            }
        }

        return kept;
    }

    private Table Build(List<int> kept)
    {
        var table = new Table().Border(border);
        if (title is not null)
        {
            table.Title(title);
        }

        foreach (int i in kept)
        {
            // A boxed table separates columns with its own lines and needs padding on both sides.
            var column = new TableColumn(columns[i].Header).NoWrap();
            column = border == TableBorder.Simple ? column.PadLeft(0).PadRight(1) : column.PadLeft(1).PadRight(1);
            table.AddColumn(columns[i].Right ? column.RightAligned() : column.LeftAligned());
        }

        foreach (var row in rows)
        {
            if (row is null)
            {
                table.AddEmptyRow();
            }
            else
            {
                table.AddRow([.. kept.Select(i => row[i])]);
            }
        }

        return table;
    }
}

namespace CnnGpu.Tests.Cli;

/// <summary>Checks that rendered text fits a terminal: no line wider than it, and no cell cropped ("…") to make it fit.</summary>
internal static class NarrowTables
{
    /// <summary>Asserts that every line of <paramref name="text"/> has at most <paramref name="width"/> characters and none was cropped.</summary>
    public static void AssertFits(string text, int width)
    {
        foreach (string line in text.Split('\n'))
        {
            string l = line.TrimEnd('\r');
            Assert.True(l.Length <= width, $"{l.Length} columns: {l}");
            Assert.DoesNotContain('…', l);
        }
    }

    /// <summary>
    /// Asserts that <paramref name="cells"/> stand whole, in order, on one line of <paramref name="text"/>: a row that
    /// a terminal wrapped (a cell broken mid-word, as <c>maxpoo/l</c>) has its cells on two lines.
    /// </summary>
    public static void AssertRow(string text, params string[] cells)
    {
        string pattern = @"(?m)^.*?(?<![\w.])" + string.Join(@"(?![\w.]).*?(?<![\w.])", cells.Select(System.Text.RegularExpressions.Regex.Escape)) + @"(?![\w.])";
        Assert.Matches(pattern, text);
    }
}

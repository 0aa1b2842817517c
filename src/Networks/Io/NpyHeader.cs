using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace CnnGpu.Networks.Io;

/// <summary>
/// The header dictionary of a <c>.npy</c> file, e.g. <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (2, 3), }</c>:
/// parsed leniently (any key order, either quote, spacing, trailing commas) and formatted exactly as NumPy writes it.
/// </summary>
internal static partial class NpyHeader
{
    /// <summary>NumPy leaves room for this many digits in the first dimension so arrays can grow in place.</summary>
    private const int GrowthAxisMaxDigits = 21;

    /// <summary>The dictionary text NumPy writes for a C-order array (before alignment padding).</summary>
    public static string Format(string descr, IReadOnlyList<int> shape)
    {
        string tuple = shape.Count switch
        {
            0 => "()",
            1 => string.Create(CultureInfo.InvariantCulture, $"({shape[0]},)"),
            _ => "(" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + ")",
        };
        var text = new StringBuilder($"{{'descr': '{descr}', 'fortran_order': False, 'shape': {tuple}, }}");
        if (shape.Count > 0)
        {
            text.Append(' ', GrowthAxisMaxDigits - shape[0].ToString(CultureInfo.InvariantCulture).Length);
        }

        return text.ToString();
    }

    /// <summary>Parses the dictionary into (descr, fortran_order, shape).</summary>
    public static (string Descr, bool FortranOrder, long[] Shape) Parse(string header, string source)
    {
        var descr = DescrPattern().Match(header);
        var fortran = FortranPattern().Match(header);
        var shape = ShapePattern().Match(header);
        if (!header.TrimStart().StartsWith('{') || !descr.Success || !fortran.Success || !shape.Success)
        {
            throw new NpyFormatException($"{source}: the .npy header {Shorten(header)} lacks 'descr', 'fortran_order' or 'shape'.");
        }

        string[] parts = shape.Groups["dims"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var dims = new long[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!long.TryParse(parts[i].TrimEnd('L'), NumberStyles.None, CultureInfo.InvariantCulture, out dims[i]))
            {
                throw new NpyFormatException($"{source}: the .npy shape ({shape.Groups["dims"].Value}) is not a tuple of sizes.");
            }
        }

        return (descr.Groups["descr"].Value, fortran.Groups["value"].Value == "True", dims);
    }

    private static string Shorten(string header) => header.Length <= 80 ? $"\"{header.Trim()}\"" : $"\"{header[..80]}…\"";

    [GeneratedRegex("""['"]descr['"]\s*:\s*['"](?<descr>[^'"]*)['"]""", RegexOptions.CultureInvariant)]
    private static partial Regex DescrPattern();

    [GeneratedRegex("""['"]fortran_order['"]\s*:\s*(?<value>True|False)""", RegexOptions.CultureInvariant)]
    private static partial Regex FortranPattern();

    [GeneratedRegex("""['"]shape['"]\s*:\s*\((?<dims>[^)]*)\)""", RegexOptions.CultureInvariant)]
    private static partial Regex ShapePattern();
}

using System.Globalization;

namespace CnnGpu.Cli.Rendering;

/// <summary>Compact human-readable numbers for tables: 23.2K, 37.75M, 15.47G.</summary>
internal static class Units
{
    public static string Count(long value) => value switch
    {
        0 => "-",
        < 1_000 => value.ToString(CultureInfo.InvariantCulture),
        < 1_000_000 => Format(value / 1e3, "K"),
        < 1_000_000_000 => Format(value / 1e6, "M"),
        _ => Format(value / 1e9, "G"),
    };

    public static string Kilobytes(long bytes) => (bytes / 1024.0).ToString(bytes < 10 * 1024 ? "0.#" : "0", CultureInfo.InvariantCulture);

    public static string Megabytes(long bytes) => (bytes / (1024.0 * 1024)).ToString("0.0", CultureInfo.InvariantCulture) + " MB";

    private static string Format(double scaled, string suffix) =>
        scaled.ToString(scaled < 10 ? "0.##" : scaled < 100 ? "0.#" : "0", CultureInfo.InvariantCulture) + suffix;
}

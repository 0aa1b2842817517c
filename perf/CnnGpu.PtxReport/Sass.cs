using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace CnnGpu.PtxReport;

/// <summary>What ptxas made of a PTX file: its resource summary (<c>-v</c>) and, with cuobjdump, the SASS hot loop.</summary>
internal sealed record SassReport(
    int Registers, int StackFrame, int SpillStores, int SpillLoads, int StaticShared,
    SassMix Kernel, SassMix? HotLoop);

/// <summary>SASS instruction counts.</summary>
internal sealed record SassMix(
    int Instructions, int Ffma, int Fmul, int Fadd, int Fmnmx, int Lds, int Lds64, int Lds128, int GlobalLoads, int GenericLoads,
    int Sts, int LocalAccesses, int Barriers);

/// <summary>
/// The optional second opinion: NVIDIA's assembler (ptxas) and disassembler (cuobjdump), when a CUDA toolkit is at hand,
/// say what the GPU would really run — whether ILGPU's separate <c>mul.f32</c>/<c>add.f32</c> became FFMA, how many
/// registers the kernel takes and whether it spills. Neither needs a GPU.
/// </summary>
internal static partial class Sass
{
    /// <summary>The directory holding ptxas and cuobjdump: <paramref name="hint"/>, $CUDA_BIN, $CUDA_HOME/bin or PATH; null when absent.</summary>
    public static string? FindTools(string? hint)
    {
        var candidates = new List<string?> { hint, Environment.GetEnvironmentVariable("CUDA_BIN") };
        if (Environment.GetEnvironmentVariable("CUDA_HOME") is { } home)
        {
            candidates.Add(Path.Combine(home, "bin"));
        }

        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator));
        return candidates.FirstOrDefault(d => !string.IsNullOrEmpty(d) && File.Exists(Path.Combine(d, "ptxas")) && File.Exists(Path.Combine(d, "cuobjdump")));
    }

    /// <summary>Assembles <paramref name="ptxFile"/> for <paramref name="arch"/>; the error text when ptxas refuses it.</summary>
    public static (bool Ok, string Log) Assemble(string tools, string ptxFile, string arch, string cubin)
    {
        var (code, _, err) = Run(Path.Combine(tools, "ptxas"), $"-arch={arch} -v \"{ptxFile}\" -o \"{cubin}\"");
        return (code == 0, err);
    }

    /// <summary>Assembles for <paramref name="arch"/> and disassembles: resources and the innermost SASS loop.</summary>
    public static SassReport Analyse(string tools, string ptxFile, string arch)
    {
        string cubin = Path.ChangeExtension(ptxFile, $".{arch}.cubin");
        var (ok, log) = Assemble(tools, ptxFile, arch, cubin);
        if (!ok)
        {
            throw new InvalidOperationException($"ptxas rejected {ptxFile}: {log}");
        }

        int registers = Int(RegistersRegex().Match(log));
        var frame = FrameRegex().Match(log);
        var (_, sass, _) = Run(Path.Combine(tools, "cuobjdump"), $"-sass \"{cubin}\"");
        var instructions = sass.Split('\n').Select(l => SassLineRegex().Match(l)).Where(m => m.Success)
            .Select(m => (Address: Convert.ToInt32(m.Groups[1].Value, 16), Op: m.Groups[3].Value, Args: m.Groups[4].Value.Trim()))
            .Where(i => i.Op != "NOP")
            .ToList();

        // Backward branches delimit loops (ptxas lays a loop out contiguously); innermost = containing no other.
        var ranges = instructions.Where(i => i.Op.StartsWith("BRA", StringComparison.Ordinal))
            .Select(i => (From: TryTarget(i.Args), To: i.Address))
            .Where(r => r.From is { } f && f <= r.To)
            .Select(r => (From: r.From!.Value, r.To))
            .Distinct()
            .ToList();
        var innermost = ranges.Where(r => !ranges.Any(o => o != r && o.From >= r.From && o.To <= r.To)).ToList();
        SassMix? hot = innermost
            .Select(r => Mix(instructions.Where(i => i.Address >= r.From && i.Address <= r.To).Select(i => i.Op)))
            .OrderByDescending(m => m.Ffma).ThenByDescending(m => m.GlobalLoads + m.GenericLoads).ThenByDescending(m => m.Instructions)
            .FirstOrDefault();
        return new SassReport(
            registers, Int(frame, 1), Int(frame, 2), Int(frame, 3), Int(SmemRegex().Match(log)),
            Mix(instructions.Select(i => i.Op)), hot);
    }

    private static SassMix Mix(IEnumerable<string> ops)
    {
        var list = ops.ToList();
        int Count(Func<string, bool> f) => list.Count(f);
        return new SassMix(
            list.Count,
            Count(o => o.StartsWith("FFMA", StringComparison.Ordinal)),
            Count(o => o.StartsWith("FMUL", StringComparison.Ordinal)),
            Count(o => o.StartsWith("FADD", StringComparison.Ordinal)),
            Count(o => o.StartsWith("FMNMX", StringComparison.Ordinal)),
            Count(o => o == "LDS" || o.StartsWith("LDS.", StringComparison.Ordinal) && !o.Contains("64", StringComparison.Ordinal) && !o.Contains("128", StringComparison.Ordinal)),
            Count(o => o.StartsWith("LDS", StringComparison.Ordinal) && o.Contains(".64", StringComparison.Ordinal)),
            Count(o => o.StartsWith("LDS", StringComparison.Ordinal) && o.Contains(".128", StringComparison.Ordinal)),
            Count(o => o.StartsWith("LDG", StringComparison.Ordinal)),
            Count(o => o == "LD" || o.StartsWith("LD.", StringComparison.Ordinal)),
            Count(o => o.StartsWith("STS", StringComparison.Ordinal)),
            Count(o => o.StartsWith("LDL", StringComparison.Ordinal) || o.StartsWith("STL", StringComparison.Ordinal)),
            Count(o => o.StartsWith("BAR", StringComparison.Ordinal)));
    }

    private static int? TryTarget(string args)
    {
        var m = TargetRegex().Match(args);
        return m.Success ? Convert.ToInt32(m.Groups[1].Value, 16) : null;
    }

    private static int Int(Match m, int group = 1) =>
        m.Success ? int.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture) : 0;

    private static (int Code, string Out, string Err) Run(string file, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr);
    }

    [GeneratedRegex(@"Used (\d+) registers")]
    private static partial Regex RegistersRegex();

    [GeneratedRegex(@"(\d+) bytes stack frame, (\d+) bytes spill stores, (\d+) bytes spill loads")]
    private static partial Regex FrameRegex();

    [GeneratedRegex(@"(\d+) bytes smem")]
    private static partial Regex SmemRegex();

    [GeneratedRegex(@"/\*([0-9a-f]{4,})\*/\s+(@!?U?P\w+\s+)?([A-Z][A-Z0-9._]*)([^;]*);")]
    private static partial Regex SassLineRegex();

    [GeneratedRegex(@"0x([0-9a-f]+)")]
    private static partial Regex TargetRegex();
}

using System.Globalization;
using System.Text.RegularExpressions;

namespace CnnGpu.PtxReport;

/// <summary>One PTX instruction: its optional guard, its opcode with modifiers (<c>ld.shared.f32</c>) and its operands.</summary>
internal sealed record PtxInstruction(int Line, string? Guard, string Opcode, string[] Operands)
{
    public string[] Parts { get; } = Opcode.Split('.');

    public string Head => Parts[0];

    public bool Has(string modifier) => Parts.Skip(1).Contains(modifier, StringComparer.Ordinal);
}

/// <summary>A basic block of a PTX function.</summary>
internal sealed class PtxBlock(int index, string? label)
{
    public int Index { get; } = index;

    public string? Label { get; } = label;

    public List<PtxInstruction> Instructions { get; } = [];

    public List<int> Successors { get; } = [];
}

/// <summary>A natural loop: its header and the blocks of its body (header included).</summary>
internal sealed record PtxLoop(int Header, HashSet<int> Blocks);

/// <summary>
/// One kernel's PTX as ILGPU wrote it, cut into basic blocks with a control-flow graph, dominators and natural
/// loops, so that "the inner loop" is found by structure rather than by text position (ILGPU places a loop's
/// exit blocks between its header and its body, so a label-to-backward-branch text range would include them).
/// </summary>
internal sealed partial class PtxKernel
{
    private static readonly HashSet<string> Spaces = ["global", "shared", "local", "param", "const", "generic"];

    private PtxKernel(string ptx)
    {
        Text = ptx;
        var lines = ptx.Split('\n');
        int entry = Array.FindIndex(lines, l => l.Contains(".entry", StringComparison.Ordinal));
        var tables = new Dictionary<string, string[]>(StringComparer.Ordinal);
        string? pendingLabel = null;
        PtxBlock? current = null;

        for (int i = Math.Max(entry, 0); i < lines.Length; i++)
        {
            string line = StripComment(lines[i]).Trim();
            if (line.Length == 0 || line is "{" or "}")
            {
                continue;
            }

            if (LabelRegex().Match(line) is { Success: true } label)
            {
                if (pendingLabel is not null)
                {
                    // Two labels in a row: the first one labels an empty block that falls through.
                    current = NewBlock(pendingLabel);
                }

                pendingLabel = label.Groups[1].Value;
                continue;
            }

            if (line.StartsWith(".branchtargets", StringComparison.Ordinal))
            {
                tables[pendingLabel!] = [.. line[".branchtargets".Length..].TrimEnd(';').Split(',').Select(t => t.Trim())];
                pendingLabel = null;
                continue;
            }

            if (line.StartsWith('.'))
            {
                Directives.Add(line);
                continue;
            }

            if (InstructionRegex().Match(line) is not { Success: true } m)
            {
                continue;
            }

            if (pendingLabel is not null || current is null)
            {
                current = NewBlock(pendingLabel);
                pendingLabel = null;
            }

            string operands = m.Groups["ops"].Value.Trim();
            var instruction = new PtxInstruction(
                i + 1,
                m.Groups["guard"].Success ? m.Groups["guard"].Value : null,
                m.Groups["op"].Value,
                operands.Length == 0 ? [] : [.. SplitOperands(operands)]);
            current.Instructions.Add(instruction);
            if (instruction.Head is "bra" or "brx" or "ret" or "exit")
            {
                current = null;
            }
        }

        var byLabel = Blocks.Where(b => b.Label is not null).ToDictionary(b => b.Label!, b => b.Index, StringComparer.Ordinal);
        foreach (var block in Blocks)
        {
            var last = block.Instructions.LastOrDefault();
            bool fallsThrough = last is null || last.Guard is not null || last.Head is not ("bra" or "brx" or "ret" or "exit");
            if (last is { Head: "bra" })
            {
                block.Successors.Add(byLabel[last.Operands[^1]]);
            }
            else if (last is { Head: "brx" })
            {
                block.Successors.AddRange(tables[last.Operands[^1]].Select(t => byLabel[t]));
            }

            if (fallsThrough && block.Index + 1 < Blocks.Count)
            {
                block.Successors.Add(block.Index + 1);
            }
        }

        Loops = FindLoops();

        PtxBlock NewBlock(string? name)
        {
            var block = new PtxBlock(Blocks.Count, name);
            Blocks.Add(block);
            return block;
        }
    }

    /// <summary>The PTX text.</summary>
    public string Text { get; }

    /// <summary>Basic blocks in text order; block 0 is the entry.</summary>
    public List<PtxBlock> Blocks { get; } = [];

    /// <summary>Declarations and other directives inside the kernel (<c>.reg</c>, <c>.local</c>, <c>.shared</c>).</summary>
    public List<string> Directives { get; } = [];

    /// <summary>Natural loops, one per header.</summary>
    public IReadOnlyList<PtxLoop> Loops { get; }

    /// <summary>Parses the first entry function of <paramref name="ptx"/>.</summary>
    public static PtxKernel Parse(string ptx) => new(ptx);

    /// <summary>Registers declared per type (<c>.reg .f32 %f&lt;425&gt;</c> declares 425).</summary>
    public IReadOnlyDictionary<string, int> DeclaredRegisters() =>
        Directives.Select(d => RegRegex().Match(d)).Where(m => m.Success)
            .ToDictionary(m => m.Groups[1].Value, m => int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), StringComparer.Ordinal);

    /// <summary>Shared-memory declarations of the whole module (static with their bytes, dynamic as <c>[]</c>).</summary>
    public IReadOnlyList<string> SharedDeclarations() =>
        [.. Text.Split('\n').Select(l => StripComment(l).Trim()).Where(l => l.Contains(".shared", StringComparison.Ordinal) && !l.StartsWith("ld.", StringComparison.Ordinal) && !l.StartsWith("st.", StringComparison.Ordinal) && (l.StartsWith('.') || l.StartsWith(".extern", StringComparison.Ordinal)))];

    /// <summary>Lines that mention the <c>.local</c> state space (declarations, <c>ld.local</c>, <c>st.local</c>): ILGPU's allocas.</summary>
    public int LocalMentions() => Text.Split('\n').Count(l => StripComment(l).Contains(".local", StringComparison.Ordinal));

    /// <summary>The innermost loop doing the most multiply-adds (then global loads, then instructions): the kernel's hot loop.</summary>
    public PtxLoop? HotLoop()
    {
        var innermost = Loops.Where(l => !Loops.Any(o => o != l && o.Blocks.IsProperSubsetOf(l.Blocks))).ToList();
        return innermost
            .Select(l => (Loop: l, Mix: Count(l.Blocks)))
            .OrderByDescending(x => x.Mix.MultiplyAdds)
            .ThenByDescending(x => x.Mix.GlobalLoads)
            .ThenByDescending(x => x.Mix.Instructions)
            .Select(x => x.Loop)
            .FirstOrDefault();
    }

    /// <summary>The smallest loop that strictly contains <paramref name="loop"/>.</summary>
    public PtxLoop? Parent(PtxLoop loop) =>
        Loops.Where(o => o != loop && loop.Blocks.IsProperSubsetOf(o.Blocks)).OrderBy(o => o.Blocks.Count).FirstOrDefault();

    /// <summary>All blocks of the kernel.</summary>
    public HashSet<int> AllBlocks() => [.. Blocks.Select(b => b.Index)];

    /// <summary>The instruction mix of the given blocks.</summary>
    public InstructionMix Count(IEnumerable<int> blocks)
    {
        var instructions = blocks.Order().SelectMany(b => Blocks[b].Instructions).ToList();
        var mix = new InstructionMix();
        var products = new HashSet<string>(StringComparer.Ordinal);
        foreach (var i in instructions.Where(i => i.Opcode is "mul.f32"))
        {
            products.Add(i.Operands[0]);
        }

        foreach (var i in instructions)
        {
            mix.Instructions++;
            switch (i.Head)
            {
                case "fma" when i.Has("f32"):
                    mix.Fma++;
                    break;
                case "mul" when i.Has("f32"):
                    mix.Mul++;
                    mix.MulRounded += i.Has("rn") ? 1 : 0;
                    break;
                case "add" when i.Has("f32"):
                    mix.Add++;
                    mix.MulAddPairs += !i.Has("rn") && i.Operands.Skip(1).Any(products.Contains) ? 1 : 0;
                    break;
                case "max" or "min" when i.Has("f32"):
                    mix.MinMax++;
                    break;
                case "mov":
                    mix.Moves++;
                    break;
                case "bar":
                    mix.Barriers++;
                    break;
                case "ld" or "ldu":
                    CountMemory(i, mix, load: true);
                    break;
                case "st":
                    CountMemory(i, mix, load: false);
                    break;
            }
        }

        return mix;
    }

    /// <summary>The PTX lines of <paramref name="blocks"/>, in text order.</summary>
    public IEnumerable<string> Lines(IEnumerable<int> blocks)
    {
        var all = Text.Split('\n');
        foreach (var b in blocks.Order())
        {
            var block = Blocks[b];
            if (block.Label is not null)
            {
                yield return $"{block.Label}:";
            }

            foreach (var i in block.Instructions)
            {
                yield return "    " + all[i.Line - 1].Trim();
            }
        }
    }

    private static void CountMemory(PtxInstruction i, InstructionMix mix, bool load)
    {
        string space = i.Parts.Skip(1).FirstOrDefault(Spaces.Contains) ?? "generic";
        int width = i.Has("v4") ? 4 : i.Has("v2") ? 2 : 1;
        if (load)
        {
            switch (space)
            {
                case "shared":
                    mix.SharedLoads++;
                    mix.SharedLoadValues += width;
                    break;
                case "global":
                    mix.GlobalLoads++;
                    mix.GlobalNonCoherent += i.Has("nc") ? 1 : 0;
                    break;
                case "generic":
                    mix.GlobalLoads++;
                    mix.GenericLoads++;
                    break;
                case "local":
                    mix.LocalAccesses++;
                    break;
            }

            if (space is "global" or "generic" && i.Has("f32"))
            {
                mix.GlobalFloatLoads++;
            }

            mix.VectorLoads += width > 1 && space != "param" ? 1 : 0;
        }
        else
        {
            switch (space)
            {
                case "shared":
                    mix.SharedStores++;
                    break;
                case "global" or "generic":
                    mix.GlobalStores++;
                    break;
                case "local":
                    mix.LocalAccesses++;
                    break;
            }
        }
    }

    private List<PtxLoop> FindLoops()
    {
        int n = Blocks.Count;
        var predecessors = Enumerable.Range(0, n).Select(_ => new List<int>()).ToArray();
        foreach (var b in Blocks)
        {
            foreach (int s in b.Successors)
            {
                predecessors[s].Add(b.Index);
            }
        }

        // Iterative dominators over the blocks reachable from the entry.
        var reachable = new HashSet<int>();
        var stack = new Stack<int>([0]);
        while (stack.Count > 0)
        {
            int b = stack.Pop();
            if (reachable.Add(b))
            {
                Blocks[b].Successors.ForEach(stack.Push);
            }
        }

        var dom = new HashSet<int>[n];
        for (int b = 0; b < n; b++)
        {
            dom[b] = b == 0 ? [0] : [.. reachable];
        }

        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (int b in reachable.Where(b => b != 0).Order())
            {
                HashSet<int>? meet = null;
                foreach (int p in predecessors[b].Where(reachable.Contains))
                {
                    if (meet is null)
                    {
                        meet = [.. dom[p]];
                    }
                    else
                    {
                        meet.IntersectWith(dom[p]);
                    }
                }

                meet ??= [];
                meet.Add(b);
                if (!meet.SetEquals(dom[b]))
                {
                    dom[b] = meet;
                    changed = true;
                }
            }
        }

        var loops = new Dictionary<int, HashSet<int>>();
        foreach (int u in reachable)
        {
            foreach (int h in Blocks[u].Successors.Where(h => dom[u].Contains(h)))
            {
                // Back edge u → h: the body is h plus everything that reaches u without passing h.
                var body = loops.TryGetValue(h, out var existing) ? existing : loops[h] = [h];
                var work = new Stack<int>([u]);
                while (work.Count > 0)
                {
                    int x = work.Pop();
                    if (body.Add(x))
                    {
                        predecessors[x].Where(reachable.Contains).ToList().ForEach(work.Push);
                    }
                }
            }
        }

        return [.. loops.Select(kv => new PtxLoop(kv.Key, kv.Value))];
    }

    private static string StripComment(string line)
    {
        int c = line.IndexOf("//", StringComparison.Ordinal);
        return c < 0 ? line : line[..c];
    }

    private static IEnumerable<string> SplitOperands(string operands)
    {
        int depth = 0, start = 0;
        for (int i = 0; i < operands.Length; i++)
        {
            depth += operands[i] is '[' or '{' ? 1 : operands[i] is ']' or '}' ? -1 : 0;
            if (operands[i] == ',' && depth == 0)
            {
                yield return operands[start..i].Trim();
                start = i + 1;
            }
        }

        yield return operands[start..].Trim();
    }

    [GeneratedRegex(@"^([A-Za-z_$][\w$]*):$")]
    private static partial Regex LabelRegex();

    [GeneratedRegex(@"^(?:(?<guard>@!?%\w+)\s+)?(?<op>[a-z][\w.]*)\s*(?<ops>[^;]*);$")]
    private static partial Regex InstructionRegex();

    [GeneratedRegex(@"^\.reg\s+\.(\w+)\s+%\w+<(\d+)>;")]
    private static partial Regex RegRegex();
}

/// <summary>Instruction counts of a range of PTX.</summary>
internal sealed class InstructionMix
{
    public int Instructions { get; set; }

    public int Fma { get; set; }

    public int Mul { get; set; }

    /// <summary>mul.rn.f32: a rounding modifier forbids ptxas from contracting it into an FMA.</summary>
    public int MulRounded { get; set; }

    public int Add { get; set; }

    /// <summary>add.f32 (no rounding modifier) of a mul.f32 result: a multiply-add ptxas may contract into FFMA.</summary>
    public int MulAddPairs { get; set; }

    public int MultiplyAdds => Fma + MulAddPairs;

    public int MinMax { get; set; }

    public int Moves { get; set; }

    public int Barriers { get; set; }

    public int SharedLoads { get; set; }

    /// <summary>Floats the shared loads move (a .v4 load moves 4).</summary>
    public int SharedLoadValues { get; set; }

    /// <summary>Loads from global memory: ld.global and generic ld (ILGPU reads an ArrayView through a generic pointer).</summary>
    public int GlobalLoads { get; set; }

    public int GenericLoads { get; set; }

    /// <summary>The global loads that read floats (the rest read ints: the im2col table).</summary>
    public int GlobalFloatLoads { get; set; }

    public int GlobalNonCoherent { get; set; }

    public int VectorLoads { get; set; }

    public int SharedStores { get; set; }

    public int GlobalStores { get; set; }

    public int LocalAccesses { get; set; }
}

using System.Globalization;
using System.Text.Json;
using CnnGpu.Runtime.Execution;
using CnnGpu.Runtime.Planning;
using Spectre.Console;

namespace CnnGpu.Cli.Rendering;

/// <summary>A session's execution plan for one batch size on one backend.</summary>
/// <param name="Network">The network's name.</param>
/// <param name="Backend">The backend's name.</param>
/// <param name="Device">The device's description.</param>
/// <param name="Batch">The batch size planned.</param>
/// <param name="Steps">Every step in execution order (layout conversions and elided reshapes included).</param>
/// <param name="Memory">The plan's memory: the arena holds every intermediate value in the layout its producer writes.</param>
internal sealed record ExecutionPlanReport(string Network, string Backend, string Device, int Batch, IReadOnlyList<PlanStep> Steps, MemoryPlan Memory)
{
    /// <summary>Layout conversions the plan added.</summary>
    public int Conversions => Steps.Count(s => s.Kind is null);

    /// <summary>Reshapes planned onto their input's storage, which launch nothing.</summary>
    public int Elided => Steps.Count(s => s.Elided);
}

/// <summary>
/// <c>cnngpu summary --plan --backend B</c>: one row per plan step (node, op, the algorithm the backend chose,
/// the layout it writes), conversions shown as op <c>reorder</c>; then the arena line. Also as JSON.
/// </summary>
internal static class PlanTable
{
    /// <summary>Writes the table and the arena line.</summary>
    /// <param name="console">Where to write.</param>
    /// <param name="plan">The plan.</param>
    public static void Render(IAnsiConsole console, ExecutionPlanReport plan)
    {
        HeaderLine.WriteJoined(
            console,
            " ",
            $"[bold]{Markup.Escape(plan.Network)}[/] execution plan on [green]{Markup.Escape(plan.Backend)}[/]",
            $"({Markup.Escape(plan.Device)}),",
            $"batch {Format(plan.Batch)}");
        var table = new FittedTable()
            .Column("#", right: true, drop: 1)
            .Column("node")
            .Column("op", drop: 2)
            .Column("algorithm")
            .Column("layout");
        for (int i = 0; i < plan.Steps.Count; i++)
        {
            var step = plan.Steps[i];
            string algorithm = step.Elided ? $"[dim]{Markup.Escape(step.Algorithm)} (elided: no launch)[/]" : Markup.Escape(step.Algorithm);
            table.Row(Format(i + 1), Markup.Escape(step.Name), OpNames.Short(ProfileTable.OpName(step.Kind)), algorithm, step.OutputLayout.ToString());
        }

        table.Write(console);
        console.WriteLine(ArenaLine(plan));
    }

    /// <summary><c>arena (cpu, batch 1): X MB for N steps (naive Y MB, Z%), C layout conversions, E elided</c>.</summary>
    /// <param name="plan">The plan.</param>
    public static string ArenaLine(ExecutionPlanReport plan)
    {
        var m = plan.Memory;
        double percent = m.NaiveActivationBytes == 0 ? 0 : 100.0 * m.PeakActivationBytes / m.NaiveActivationBytes;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"arena ({plan.Backend}, batch {plan.Batch}): {Units.Megabytes(m.PeakActivationBytes)} for {plan.Steps.Count} steps (naive {Units.Megabytes(m.NaiveActivationBytes)}, {percent:0.0}%), " +
            $"{plan.Conversions} layout conversion{(plan.Conversions == 1 ? string.Empty : "s")}, {plan.Elided} elided");
    }

    /// <summary>Writes <c>"execution":{"backend","device","batch","arenaBytes","naiveActivationBytes","steps":[{"name","op","algorithm","layout","elided"}]}</c>.</summary>
    /// <param name="w">The JSON writer, inside the top-level object.</param>
    /// <param name="plan">The plan.</param>
    public static void WriteJson(Utf8JsonWriter w, ExecutionPlanReport plan)
    {
        ArgumentNullException.ThrowIfNull(w);
        w.WriteStartObject("execution");
        w.WriteString("backend", plan.Backend);
        w.WriteString("device", plan.Device);
        w.WriteNumber("batch", plan.Batch);
        w.WriteNumber("arenaBytes", plan.Memory.PeakActivationBytes);
        w.WriteNumber("naiveActivationBytes", plan.Memory.NaiveActivationBytes);
        w.WriteStartArray("steps");
        foreach (var step in plan.Steps)
        {
            w.WriteStartObject();
            w.WriteString("name", step.Name);
            w.WriteString("op", ProfileTable.OpName(step.Kind));
            w.WriteString("algorithm", step.Algorithm);
            w.WriteString("layout", step.OutputLayout.ToString());
            w.WriteBoolean("elided", step.Elided);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);
}

namespace CnnGpu.Runtime.Planning;

/// <summary>
/// Offsets for buffers with known lifetimes so that buffers live at the same time never overlap:
/// the "greedy by size" strategy of TFLite's arena planner. The largest buffers are placed first
/// (they dominate the arena), each in the smallest gap left between the already placed buffers it
/// is live with, or above them all when no gap fits.
/// </summary>
internal static class GreedyBySizeLayout
{
    /// <summary>Offsets for each buffer, and the arena length they need.</summary>
    /// <param name="lifetimes">Each buffer's lifetime.</param>
    /// <param name="sizes">Each buffer's size (already a multiple of the alignment, so offsets stay aligned).</param>
    public static (long[] Offsets, long ArenaLength) Place(IReadOnlyList<ValueLifetime> lifetimes, IReadOnlyList<long> sizes)
    {
        int count = lifetimes.Count;
        var order = Enumerable.Range(0, count)
            .OrderByDescending(i => sizes[i])
            .ThenBy(i => lifetimes[i].First)
            .ThenBy(i => i)
            .ToArray();
        var offsets = new long[count];
        var placed = new List<int>(count);
        var neighbours = new List<int>();
        long arena = 0;
        foreach (int buffer in order)
        {
            neighbours.Clear();
            neighbours.AddRange(placed.Where(p => lifetimes[p].Overlaps(lifetimes[buffer])));
            neighbours.Sort((a, b) => offsets[a].CompareTo(offsets[b]));
            offsets[buffer] = BestFit(neighbours, offsets, sizes, sizes[buffer]);
            arena = Math.Max(arena, offsets[buffer] + sizes[buffer]);
            placed.Add(buffer);
        }

        return (offsets, arena);
    }

    /// <summary>The start of the smallest gap of at least <paramref name="size"/> below, between or above the neighbours (sorted by offset).</summary>
    private static long BestFit(List<int> neighbours, long[] offsets, IReadOnlyList<long> sizes, long size)
    {
        long top = 0;
        long best = -1;
        long bestGap = long.MaxValue;
        foreach (int n in neighbours)
        {
            long gap = offsets[n] - top;
            if (gap >= size && gap < bestGap)
            {
                best = top;
                bestGap = gap;
            }

            // Neighbours may overlap each other in address (they need not be live together), so the
            // free region starts after the furthest end seen so far.
            top = Math.Max(top, offsets[n] + sizes[n]);
        }

        return best >= 0 ? best : top;
    }
}

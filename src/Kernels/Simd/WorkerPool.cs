using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace CnnGpu.Kernels.Simd;

/// <summary>Work a <see cref="WorkerPool"/> spreads over its threads: items 0 … count−1, each run exactly once.</summary>
public interface IParallelWork
{
    /// <summary>Runs item <paramref name="index"/>.</summary>
    /// <param name="index">The item.</param>
    void Execute(int index);
}

/// <summary>
/// A persistent pool of worker threads sized to the cores: a layer's tiles are handed out through one
/// atomic counter to the calling thread and the workers, so no thread is created per layer and a
/// dispatch costs a few hundred nanoseconds (the thread pool's <c>Parallel.For</c> costs microseconds,
/// a lot next to a small layer). Workers spin briefly between layers, then sleep. The caller waits only
/// for items that were started, never for a worker to wake up: on a loaded machine a descheduled worker
/// costs nothing unless it holds an item. One dispatch runs at a time; concurrent callers take turns.
/// </summary>
public sealed class WorkerPool : IDisposable
{
    // Spin this long after a dispatch before sleeping: layers follow each other within microseconds, while a
    // worker that spins on after the run would steal a core from whatever the host does next.
    private static readonly long SpinTicks = System.Diagnostics.Stopwatch.Frequency / 5000;   // 200 µs

    [ThreadStatic]
    private static int t_slot;

    private readonly Thread[] _workers;
    private readonly SemaphoreSlim _wake = new(0);
    private readonly Lock _dispatch = new();
    private Job? _job;
    private int _sleepers;
    private long _generation;
    private volatile bool _stopping;

    /// <summary>Starts <paramref name="threads"/> − 1 workers; the caller of <see cref="Run"/> is the last thread.</summary>
    /// <param name="threads">Threads that share each dispatch (≥ 1).</param>
    public WorkerPool(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        Threads = threads;
        _workers = new Thread[threads - 1];
        for (int i = 0; i < _workers.Length; i++)
        {
            int slot = i + 1;
            _workers[i] = new Thread(() => WorkerLoop(slot)) { IsBackground = true, Name = $"cnngpu-cpu-{slot}" };
            _workers[i].Start();
        }
    }

    /// <summary>Threads that share each dispatch, the caller included.</summary>
    public int Threads { get; }

    /// <summary>
    /// Items a layer is cut into per thread, at least: with dynamic hand-out the threads finish within about one item
    /// of each other, so more items mean less waiting at the end of a layer, and more data re-read across items.
    /// </summary>
    /// <remarks>Four: measured against eight on ResNet-50/101 at batch 1, no difference beyond this machine's noise.</remarks>
    public const int ItemsPerThread = 4;

    /// <summary>
    /// Inside <see cref="IParallelWork.Execute"/>: which of the <see cref="Threads"/> threads runs the item (0 for
    /// the dispatching thread), so work can index per-thread scratch without locks.
    /// </summary>
    public static int CurrentSlot => t_slot;

    /// <summary>Runs <paramref name="work"/> for items 0 … <paramref name="count"/>−1 on every thread and returns when all are done.</summary>
    /// <param name="work">The work.</param>
    /// <param name="count">Number of items.</param>
    /// <exception cref="Exception">The first exception an item threw, rethrown after every item finished.</exception>
    public void Run(IParallelWork work, int count)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (count <= 0)
        {
            return;
        }

        if (_workers.Length == 0 || count == 1)
        {
            t_slot = 0;
            for (int i = 0; i < count; i++)
            {
                work.Execute(i);
            }

            return;
        }

        lock (_dispatch)
        {
            ObjectDisposedException.ThrowIf(_stopping, this);

            // A fresh job per dispatch: a worker that wakes late still holds the previous one, finds it
            // exhausted and does nothing, so it can never run an item of this dispatch twice.
            var job = new Job(work, count);
            Volatile.Write(ref _job, job);
            Interlocked.Increment(ref _generation);
            int sleepers = Volatile.Read(ref _sleepers);
            if (sleepers > 0)
            {
                _wake.Release(sleepers);
            }

            t_slot = 0;
            job.Drain();
            var spin = default(SpinWait);
            while (Volatile.Read(ref job.Done) < count)
            {
                spin.SpinOnce(sleep1Threshold: -1);
            }

            job.Failure?.Throw();
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_stopping)
        {
            return;
        }

        _stopping = true;
        Interlocked.Increment(ref _generation);
        if (_workers.Length > 0)
        {
            _wake.Release(_workers.Length);
        }

        foreach (var worker in _workers)
        {
            worker.Join();
        }

        _wake.Dispose();
    }

    private void WorkerLoop(int slot)
    {
        t_slot = slot;
        long seen = 0;
        while (true)
        {
            seen = WaitForGeneration(seen);
            if (_stopping)
            {
                return;
            }

            Volatile.Read(ref _job)?.Drain();
        }
    }

    private long WaitForGeneration(long seen)
    {
        long deadline = System.Diagnostics.Stopwatch.GetTimestamp() + SpinTicks;
        do
        {
            for (int i = 0; i < 64; i++)
            {
                long generation = Interlocked.Read(ref _generation);
                if (generation != seen)
                {
                    return generation;
                }

                Thread.SpinWait(4);
            }
        }
        while (System.Diagnostics.Stopwatch.GetTimestamp() < deadline);

        while (true)
        {
            Interlocked.Increment(ref _sleepers);
            long generation = Interlocked.Read(ref _generation);
            if (generation != seen)
            {
                Interlocked.Decrement(ref _sleepers);
                return generation;
            }

            _wake.Wait();
            Interlocked.Decrement(ref _sleepers);
            generation = Interlocked.Read(ref _generation);
            if (generation != seen)
            {
                return generation;
            }
        }
    }

    /// <summary>One dispatch: its items are claimed through <see cref="Next"/> and counted in <see cref="Done"/>.</summary>
    private sealed class Job(IParallelWork work, int count)
    {
#pragma warning disable SA1401, CA1051 // Counters updated with Interlocked: fields, not properties.
        public int Next;
        public int Done;
#pragma warning restore SA1401, CA1051

        public ExceptionDispatchInfo? Failure { get; private set; }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Drain()
        {
            for (int i = Interlocked.Increment(ref Next) - 1; i < count; i = Interlocked.Increment(ref Next) - 1)
            {
                try
                {
                    work.Execute(i);
                }
#pragma warning disable CA1031 // Captured and rethrown on the dispatching thread.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    lock (this)
                    {
                        Failure ??= ExceptionDispatchInfo.Capture(e);
                    }
                }
                finally
                {
                    Interlocked.Increment(ref Done);
                }
            }
        }
    }
}

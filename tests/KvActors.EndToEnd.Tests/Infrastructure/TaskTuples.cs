using System.Runtime.CompilerServices;

namespace KvActors.EndToEnd.Tests.Infrastructure;

/// <summary>
/// <c>var (a, b) = await (TaskA(), TaskB());</c>: awaits tasks that run side by side and hands back their results.
/// Every task is awaited, so none is left running unobserved when another fails.
/// </summary>
public static class TaskTuples
{
    public static TaskAwaiter<(T1, T2)> GetAwaiter<T1, T2>(this (Task<T1>, Task<T2>) tasks) => Both(tasks).GetAwaiter();

    public static TaskAwaiter<(T1, T2, T3)> GetAwaiter<T1, T2, T3>(this (Task<T1>, Task<T2>, Task<T3>) tasks) => All(tasks).GetAwaiter();

    public static TaskAwaiter<(T1, T2, T3, T4)> GetAwaiter<T1, T2, T3, T4>(this (Task<T1>, Task<T2>, Task<T3>, Task<T4>) tasks) =>
        All(tasks).GetAwaiter();

    private static async Task<(T1, T2)> Both<T1, T2>((Task<T1>, Task<T2>) tasks)
    {
        await Task.WhenAll(tasks.Item1, tasks.Item2);
        return (tasks.Item1.Result, tasks.Item2.Result);
    }

    private static async Task<(T1, T2, T3)> All<T1, T2, T3>((Task<T1>, Task<T2>, Task<T3>) tasks)
    {
        await Task.WhenAll(tasks.Item1, tasks.Item2, tasks.Item3);
        return (tasks.Item1.Result, tasks.Item2.Result, tasks.Item3.Result);
    }

    private static async Task<(T1, T2, T3, T4)> All<T1, T2, T3, T4>((Task<T1>, Task<T2>, Task<T3>, Task<T4>) tasks)
    {
        await Task.WhenAll(tasks.Item1, tasks.Item2, tasks.Item3, tasks.Item4);
        return (tasks.Item1.Result, tasks.Item2.Result, tasks.Item3.Result, tasks.Item4.Result);
    }
}

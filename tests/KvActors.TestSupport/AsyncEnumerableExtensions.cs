namespace KvActors.TestSupport;

/// <summary>
/// Collects an async stream. Not ToListAsync: the persistence packages bring System.Linq.Async, whose ToListAsync
/// is ambiguous with the one built into .NET 10.
/// </summary>
public static class AsyncEnumerableExtensions
{
    public static async Task<List<T>> ReadAllAsync<T>(this IAsyncEnumerable<T> source)
    {
        var items = new List<T>();
        await foreach (var item in source) items.Add(item);
        return items;
    }
}

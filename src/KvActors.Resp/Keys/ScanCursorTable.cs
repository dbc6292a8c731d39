namespace KvActors.Resp.Keys;

/// <summary>
/// Redis SCAN cursors are numbers, the store's are the last key returned. This table hands out a number for each
/// continuation key, shared by all connections (a cursor may be continued on another connection, as in Redis). It is
/// bounded: past its capacity the oldest cursors are forgotten, and continuing one is an error.
/// </summary>
internal sealed class ScanCursorTable(int capacity)
{
    private readonly Dictionary<long, string> _afterKeys = [];
    private readonly Queue<long> _oldestFirst = new();
    private readonly Lock _lock = new();
    private long _lastCursor;

    public long Add(string afterKey)
    {
        lock (_lock)
        {
            while (_afterKeys.Count >= capacity) _afterKeys.Remove(_oldestFirst.Dequeue());
            var cursor = ++_lastCursor;
            _afterKeys[cursor] = afterKey;
            _oldestFirst.Enqueue(cursor);
            return cursor;
        }
    }

    public bool TryGet(long cursor, out string afterKey)
    {
        lock (_lock)
        {
            return _afterKeys.TryGetValue(cursor, out afterKey!);
        }
    }
}

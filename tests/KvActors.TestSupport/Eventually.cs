namespace KvActors.TestSupport;

/// <summary>Polls an async assertion until it passes, for tests that run outside an Akka TestKit.</summary>
public static class Eventually
{
    public static async Task AssertAsync(Func<Task> assertion, TimeSpan within, TimeSpan? interval = null)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            try
            {
                await assertion();
                return;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(interval ?? TimeSpan.FromMilliseconds(100));
            }
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds; throws <see cref="TimeoutException"/> if it does not within the time.</summary>
    public static async Task TrueAsync(Func<bool> condition, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (!condition())
        {
            if (DateTime.UtcNow >= deadline) throw new TimeoutException($"condition not met within {within}");
            await Task.Delay(10);
        }
    }
}

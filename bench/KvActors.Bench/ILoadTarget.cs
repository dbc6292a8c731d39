namespace KvActors.Bench;

/// <summary>
/// A store that <c>kv-bench load</c> drives: kv-server over Akka.Remote (<see cref="NativeTarget"/>) or etcd over
/// gRPC (<see cref="EtcdTarget"/>), so both are measured by the same closed loop and the same histograms.
/// </summary>
internal interface ILoadTarget : IAsyncDisposable
{
    /// <summary>Reads a key that was written before; a missing key is a failure (it must throw).</summary>
    Task GetAsync(int caller, string key);

    Task SetAsync(int caller, string key, byte[] value);

    /// <summary>Whether an exception from a call is the store's answer (counted as a failure) rather than a bug.</summary>
    bool IsFailure(Exception e);
}

using dotnet_etcd;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;

namespace KvActors.Bench;

/// <summary>
/// etcd through its own gRPC API (dotnet-etcd), one HTTP/2 channel per connection, to the members in turn when
/// several URLs are given (comma-separated). Reads are etcd's default, linearizable; every write is fsynced by etcd
/// before it answers, so compare it with kv-server --durability fsync.
/// </summary>
internal sealed class EtcdTarget(EtcdClient[] clients) : ILoadTarget
{
    public static EtcdTarget Connect(string endpoints, int connections)
    {
        var members = endpoints.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new(Enumerable.Range(0, connections).Select(i => new EtcdClient(members[i % members.Length])).ToArray());
    }

    public async Task GetAsync(int caller, string key)
    {
        var reply = await clients[caller % clients.Length].GetAsync(key);
        if (reply.Kvs.Count == 0) throw new KeyNotFoundException($"etcd has no key {key}");
    }

    public Task SetAsync(int caller, string key, byte[] value) =>
        clients[caller % clients.Length].PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8(key), Value = ByteString.CopyFrom(value) });

    public bool IsFailure(Exception e) => e is RpcException or KeyNotFoundException;

    public ValueTask DisposeAsync()
    {
        foreach (var client in clients) client.Dispose();
        return ValueTask.CompletedTask;
    }
}

using System.Diagnostics;

namespace KvActors.TestSupport;

/// <summary>
/// Real network partitions between server processes on this machine's loopback, made with iptables (needs root).
/// Each node runs under its own group id (<see cref="HostProcess.StartInGroup"/>). Cutting two nodes apart marks every
/// connection one of them opens to the other's remoting port (matched by the opener's group, in the mangle table)
/// and drops every packet of a marked connection, both ways; connections from the test's own clients carry no
/// mark and pass. The rules live in two chains of this instance's own, so disposing removes exactly them.
/// </summary>
public sealed class NetworkPartition : IDisposable
{
    private const string Mark = "0x4b56";

    private readonly IReadOnlyList<(int GroupId, int Port)> _nodes;
    private readonly string _chain = $"KVP{Environment.ProcessId % 100_000}{Random.Shared.Next(1000):000}";
    private bool _installed;

    /// <param name="nodes">Each node's group id and remoting port.</param>
    public NetworkPartition(IReadOnlyList<(int GroupId, int Port)> nodes)
    {
        _nodes = nodes;
        Iptables("-t", "mangle", "-N", _chain);
        Iptables("-t", "mangle", "-I", "OUTPUT", "-j", _chain);
        Iptables("-N", _chain);
        Iptables("-I", "OUTPUT", "-j", _chain);
        _installed = true;
    }

    /// <summary>Cuts <paramref name="node"/> off from every other node, in both directions.</summary>
    public void Isolate(int node)
    {
        Iptables("-F", _chain);
        Iptables("-A", _chain, "-m", "connmark", "--mark", Mark, "-j", "DROP");
        for (var other = 0; other < _nodes.Count; other++)
        {
            if (other == node) continue;
            Cut(node, other);
            Cut(other, node);
        }
    }

    /// <summary>Every node reaches every other again, on the connections they had too (TCP's retransmissions get
    /// through), as when a real network heals.</summary>
    public void Heal()
    {
        Iptables("-F", _chain);
        Iptables("-t", "mangle", "-F", _chain);
    }

    public void Dispose()
    {
        if (!_installed) return;
        _installed = false;
        TryIptables("-t", "mangle", "-D", "OUTPUT", "-j", _chain);
        TryIptables("-t", "mangle", "-F", _chain);
        TryIptables("-t", "mangle", "-X", _chain);
        TryIptables("-D", "OUTPUT", "-j", _chain);
        TryIptables("-F", _chain);
        TryIptables("-X", _chain);
    }

    // Connections node `from` opens to node `to`'s remoting port get the mark.
    private void Cut(int from, int to) => Iptables("-t", "mangle", "-A", _chain, "-p", "tcp", "-m", "owner", "--gid-owner", $"{_nodes[from].GroupId}",
        "--dport", $"{_nodes[to].Port}", "-j", "CONNMARK", "--set-mark", Mark);

    private static void Iptables(params string[] args)
    {
        var (code, output) = Run(args);
        if (code != 0) throw new InvalidOperationException($"iptables {string.Join(' ', args)} failed ({code}): {output}");
    }

    private static void TryIptables(params string[] args) => Run(args);

    private static (int Code, string Output) Run(string[] args)
    {
        var info = new ProcessStartInfo("iptables") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-w");
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start iptables");
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Trim());
    }
}

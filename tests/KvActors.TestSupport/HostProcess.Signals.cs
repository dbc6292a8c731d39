using System.Runtime.InteropServices;

namespace KvActors.TestSupport;

public sealed partial class HostProcess
{
    private const int SigStop = 19;
    private const int SigCont = 18;
    private const int SigTerm = 15;

    /// <summary>SIGSTOP: the process freezes as in a long GC pause or a stalled VM; its sockets stay open.</summary>
    public void Pause() => Signal(SigStop);

    /// <summary>SIGCONT: the process resumes where it stopped, believing no time has passed.</summary>
    public void Resume() => Signal(SigCont);

    /// <summary>SIGTERM: a graceful stop, as systemd or Kubernetes asks for one.</summary>
    public void Terminate() => Signal(SigTerm);

    private void Signal(int signal)
    {
        if (Kill(_process.Id, signal) != 0) throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}

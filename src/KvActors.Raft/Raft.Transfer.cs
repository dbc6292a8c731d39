namespace KvActors.Raft;

/// <summary>Leadership transfer: the leader brings the transferee up to date, then tells it to campaign now.</summary>
internal sealed partial class Raft
{
    public ulong LeadTransferee { get; private set; }

    private void HandleTransferLeader(Message m, Progress progress)
    {
        var transferee = m.From;
        if (progress.IsLearner) return;
        if (LeadTransferee != 0)
        {
            if (LeadTransferee == transferee) return;
            AbortLeaderTransfer();
        }

        if (transferee == Id) return;
        // The transfer must finish within one election timeout; proposals wait meanwhile.
        _electionElapsed = 0;
        LeadTransferee = transferee;
        if (progress.Match == Log.LastIndex) SendTimeoutNow(transferee);
        else SendAppend(transferee);
    }

    private void SendTimeoutNow(ulong to) => Send(new Message { Type = MessageType.TimeoutNow, To = to });

    private void AbortLeaderTransfer() => LeadTransferee = 0;
}

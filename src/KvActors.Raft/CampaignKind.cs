namespace KvActors.Raft;

internal enum CampaignKind
{
    /// <summary>Ask whether we could win, at term + 1, without moving our term.</summary>
    PreElection,

    Election,

    /// <summary>An election the leader asked for (TimeoutNow): voters grant it inside their leader's lease.</summary>
    Transfer,
}

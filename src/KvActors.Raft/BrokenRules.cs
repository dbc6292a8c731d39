namespace KvActors.Raft;

/// <summary>
/// Test-only switches, each breaking one rule of the protocol, so the simulation can show it catches the break.
/// Internal: only the test assembly can set them (<see cref="RaftConfig.Broken"/>); production code never does.
/// </summary>
[Flags]
internal enum BrokenRules
{
    None = 0,

    /// <summary>Commit an entry of an older term once a quorum holds it (the paper's figure 8).</summary>
    CommitOlderTermByCounting = 1,

    /// <summary>Grant a vote even though this node already voted for someone else in the term.</summary>
    GrantTwoVotesInOneTerm = 2,

    /// <summary>Send vote and append replies before the hard state and entries they vouch for are durable.</summary>
    ReplyBeforeDurable = 4,

    /// <summary>Hand entries to the host for applying before they are committed.</summary>
    ApplyBeforeCommit = 8,

    /// <summary>Count a learner's vote towards an election quorum.</summary>
    LearnerVotes = 16,
}

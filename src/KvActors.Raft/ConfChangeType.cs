namespace KvActors.Raft;

public enum ConfChangeType : byte
{
    /// <summary>Add a voter, or promote a learner to voter.</summary>
    AddNode = 1,

    /// <summary>Add a learner, or demote a voter to learner.</summary>
    AddLearner = 2,

    RemoveNode = 3,
}

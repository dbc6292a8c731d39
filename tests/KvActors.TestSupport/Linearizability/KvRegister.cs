namespace KvActors.TestSupport.Linearizability;

/// <summary>
/// The model state of one key: its value (null: absent) and what is known of the revision of its last change.
/// Writes seen through a front that reports no revision (RESP, or a write whose reply never came) leave
/// <see cref="Revision"/> unknown until a read that carries one pins it. <see cref="Floor"/> is the highest
/// revision known to belong to a change of this key: revisions grow with every change, so a later change must
/// carry a higher one.
/// </summary>
public readonly record struct KvRegister(string? Value, long? Revision, long Floor)
{
    public static KvRegister Absent { get; } = new(null, 0, 0);

    public override string ToString() => $"{(Value is null ? "absent" : $"'{Value}'")}@{(Revision is { } r ? r.ToString() : "?")}";
}

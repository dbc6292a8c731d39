using Akka.Configuration;
using Akka.Persistence.Sql.Config;
using KvActors.Server.Ownership;

namespace KvActors.Server.Persistence;

/// <summary>
/// Where the journal and the snapshot store live, as the server needs to know it: checked before the ActorSystem
/// starts, then handed to Akka.Persistence.Sql as configuration and linq2db options.
/// </summary>
public interface IStorage
{
    /// <summary>Where the data lives, as stats report it (a directory, or a database address without credentials).</summary>
    string Location { get; }

    /// <summary>Partition ownership, kept in the journal's database so the journal itself can enforce it.</summary>
    IOwnershipTable Ownership { get; }

    /// <summary>
    /// Makes the storage ready and proves it usable, before anything writes to it: creates the journal table and
    /// the ownership table with the trigger that fences the journal.
    /// </summary>
    /// <exception cref="StorageException">It cannot be used; the message is one line fit for the operator.</exception>
    void Prepare();

    /// <summary>Plugin settings for the journal and the snapshot store.</summary>
    Config ToConfig();

    /// <summary>linq2db options per plugin; the ActorSystem must be created with them.</summary>
    MultiDataOptionsSetup ToSetup();

    /// <summary>One line for the start-up log; never contains a password.</summary>
    string Describe();
}

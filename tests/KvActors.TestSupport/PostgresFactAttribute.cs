using Xunit;

namespace KvActors.TestSupport;

/// <summary>A fact that needs a PostgreSQL server (<c>KV_TEST_POSTGRES</c>); skipped, saying how to get one, without it.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (PostgresDatabase.ServerConnectionString is null)
            Skip = "KV_TEST_POSTGRES is not set: eval \"$(tests/postgres.sh start)\" starts a throwaway PostgreSQL and sets it";
    }
}

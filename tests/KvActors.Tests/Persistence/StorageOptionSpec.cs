using Akka.Configuration;
using KvActors.Server;
using KvActors.Server.Persistence;
using Xunit;

namespace KvActors.Tests.Persistence;

public sealed class StorageOptionSpec
{
    private static IStorage Parse(string? journal) => StorageOption.Parse(journal, "data", Durability.Fsync, Config.Empty);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Journal_should_default_to_SQLite_in_the_data_directory(string? journal)
    {
        var sqlite = Assert.IsType<SqliteStorage>(Parse(journal));
        Assert.Equal(Path.GetFullPath("data"), sqlite.DataDirectory);
        Assert.Equal(Durability.Fsync, sqlite.Durability);
    }

    [Fact]
    public void Journal_sqlite_should_name_the_directory()
    {
        var sqlite = Assert.IsType<SqliteStorage>(Parse("SQLite:/var/lib/kv"));
        Assert.Equal("/var/lib/kv", sqlite.DataDirectory);
        Assert.Equal(Path.Combine("/var/lib/kv", "journal.db"), sqlite.JournalFile);
    }

    [Fact]
    public void Journal_postgres_should_take_a_connection_string_and_never_show_its_password()
    {
        var postgres = Assert.IsType<PostgresStorage>(Parse("postgres:Host=db.local;Port=5433;Database=kv;Username=kv;Password=s3cret"));
        Assert.Equal(("db.local", 5433, "kv"), (postgres.Host, postgres.Port, postgres.Database));
        Assert.Equal("postgresql://db.local:5433/kv", postgres.Location);
        Assert.Equal("PostgreSQL database kv on db.local:5433 as kv (synchronous_commit=on)", postgres.Describe());
        Assert.DoesNotContain("s3cret", postgres.Describe());
        Assert.DoesNotContain("s3cret", postgres.ToConfig().ToString(includeFallback: true));
    }

    [Fact]
    public void Journal_postgres_should_commit_synchronously_and_end_idle_transactions_unless_the_connection_string_says_otherwise()
    {
        const string ours = "-c synchronous_commit=on -c idle_in_transaction_session_timeout=2000";
        var plain = Assert.IsType<PostgresStorage>(Parse("postgres:Host=h;Database=kv"));
        Assert.Equal(ours, new Npgsql.NpgsqlConnectionStringBuilder(plain.ConnectionString).Options);

        // The operator's options come later, and PostgreSQL lets the last -c win.
        var own = Assert.IsType<PostgresStorage>(Parse("postgres:Host=h;Database=kv;Options=-c synchronous_commit=remote_apply"));
        Assert.Equal($"{ours} -c synchronous_commit=remote_apply", new Npgsql.NpgsqlConnectionStringBuilder(own.ConnectionString).Options);
    }

    [Theory]
    [InlineData("mysql:Server=x", "journal must be sqlite:PATH or postgres:CONNECTION_STRING, got unknown scheme 'mysql'")]
    [InlineData("redis", "journal must be sqlite:PATH or postgres:CONNECTION_STRING, got unknown scheme 'redis'")]
    [InlineData("Host=x;Password=s3cret", "journal must be sqlite:PATH or postgres:CONNECTION_STRING (no scheme given)")]
    [InlineData("sqlite:", "journal sqlite: needs a directory (sqlite:PATH)")]
    [InlineData("postgres", "journal postgres: needs a connection string (postgres:Host=...;Database=...)")]
    [InlineData("postgres:Database=kv", "journal postgres: the connection string needs Host=...")]
    [InlineData("postgres:Host=h", "journal postgres: the connection string needs Database=...")]
    public void Journal_should_refuse_what_it_cannot_use_with_a_clear_message(string journal, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => Parse(journal));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Journal_postgres_should_refuse_a_malformed_connection_string()
    {
        var e = Assert.Throws<ArgumentException>(() => Parse("postgres:Host=h;Database=kv;Colour=blue"));
        Assert.StartsWith("journal postgres: invalid connection string:", e.Message);
        Assert.Contains("colour", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_kv_postgres_section_in_kv_conf_should_be_laid_over_the_built_in_PostgreSQL_tuning()
    {
        // The built-in tuning itself is asserted by EffectiveConfigSpec.
        var operators = ConfigurationFactory.ParseString("kv.postgres.akka.persistence.journal.sql.parallelism = 8")
            .WithFallback(Infrastructure.ServerTestKit.ShippedConfig);
        var sqlite = new ServerBootstrap(new ServerSettings { Port = 0 }, operators).Config;
        var postgres = new ServerBootstrap(new ServerSettings { Port = 0, Journal = "postgres:Host=h;Database=kv" }, operators).Config;

        Assert.Equal(8, postgres.GetInt("akka.persistence.journal.sql.parallelism"));
        Assert.Equal("read-committed", postgres.GetString("akka.persistence.journal.sql.read-isolation-level"));
        Assert.Equal(1, sqlite.GetInt("akka.persistence.journal.sql.parallelism"));
    }

    [Fact]
    public void Journal_should_be_read_from_the_kv_section()
    {
        var config = ConfigurationFactory.ParseString("kv.journal = \"postgres:Host=h;Database=kv\"");
        Assert.Equal("postgres:Host=h;Database=kv", ServerSettings.FromConfig(config).Journal);
        Assert.Null(ServerSettings.FromConfig(Infrastructure.ServerTestKit.ShippedConfig).Journal);
    }
}

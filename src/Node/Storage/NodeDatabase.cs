using Microsoft.Data.Sqlite;

namespace FedBioMed.Node.Storage;

/// <summary>
/// The node's SQLite database: registered datasets, plan approvals, the rounds it took part in and its privacy ledger.
/// Every write is one transaction, so a killed process leaves either the old or the new state.
/// </summary>
public sealed class NodeDatabase
{
    private readonly string _connectionString;

    public NodeDatabase(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString();
        using var connection = Open();
        Execute(connection, """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS datasets (
                id TEXT PRIMARY KEY, tags TEXT NOT NULL, kind TEXT NOT NULL, location TEXT NOT NULL,
                labels_location TEXT, target_column TEXT, added_at TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS plans (
                hash TEXT PRIMARY KEY, json TEXT NOT NULL, status TEXT NOT NULL, updated_at TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS experiment_rounds (experiment TEXT PRIMARY KEY, last_round INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS sessions (session TEXT PRIMARY KEY);
            CREATE TABLE IF NOT EXISTS privacy_ledger (
                dataset TEXT NOT NULL, experiment TEXT NOT NULL, round INTEGER NOT NULL, rdp TEXT NOT NULL, recorded_at TEXT NOT NULL,
                PRIMARY KEY (dataset, experiment, round));
            """);
    }

    internal SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    internal static void Execute(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        command.ExecuteNonQuery();
    }
}

using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace FedBioMed.Node.Storage;

/// <summary>The operator's registered datasets.</summary>
public sealed class DatasetStore(NodeDatabase database, TimeProvider time)
{
    public void Add(DatasetRegistration dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        dataset.Validate();
        using var connection = database.Open();
        if (Find(connection, dataset.Id) is not null) throw new InvalidOperationException($"a dataset with id '{dataset.Id}' is already registered");
        NodeDatabase.Execute(connection,
            "INSERT INTO datasets (id, tags, kind, location, labels_location, target_column, added_at) VALUES ($id, $tags, $kind, $location, $labels, $target, $at)",
            ("$id", dataset.Id), ("$tags", JsonSerializer.Serialize(dataset.Tags)), ("$kind", dataset.Kind.ToString()),
            ("$location", dataset.Location), ("$labels", dataset.LabelsLocation), ("$target", dataset.TargetColumn),
            ("$at", time.GetUtcNow().ToString("O")));
    }

    /// <summary>Removes a dataset; false when there was none with that id.</summary>
    public bool Remove(string id)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM datasets WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        return command.ExecuteNonQuery() > 0;
    }

    public DatasetRegistration? Find(string id)
    {
        using var connection = database.Open();
        return Find(connection, id);
    }

    public IReadOnlyList<DatasetRegistration> List()
    {
        using var connection = database.Open();
        return Read(connection, "ORDER BY id");
    }

    private static DatasetRegistration? Find(SqliteConnection connection, string id) => Read(connection, "WHERE id = $id", id).SingleOrDefault();

    /// <summary>The registrations the SQL <paramref name="clause"/> selects (<c>$id</c> bound to <paramref name="id"/>).</summary>
    private static List<DatasetRegistration> Read(SqliteConnection connection, string clause, string? id = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, tags, kind, location, labels_location, target_column FROM datasets " + clause;
        if (id is not null) command.Parameters.AddWithValue("$id", id);
        using var reader = command.ExecuteReader();
        var result = new List<DatasetRegistration>();
        while (reader.Read())
        {
            result.Add(new DatasetRegistration(
                reader.GetString(0), JsonSerializer.Deserialize<string[]>(reader.GetString(1)) ?? [],
                Enum.Parse<DatasetKind>(reader.GetString(2)), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5)));
        }
        return result;
    }
}

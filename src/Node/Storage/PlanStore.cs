namespace FedBioMed.Node.Storage;

/// <summary>Where a training plan stands with this node's operator.</summary>
public enum PlanStatus
{
    /// <summary>Seen in a request, awaiting the operator's decision.</summary>
    Pending,
    Approved,
    Rejected,
}

/// <summary>A plan the node has seen, by SHA-256 of its canonical JSON.</summary>
public sealed record StoredPlan(string Hash, string Json, PlanStatus Status, DateTimeOffset UpdatedAt);

/// <summary>The operator's decisions on training plans. A node trains only plans whose hash is approved.</summary>
public sealed class PlanStore(NodeDatabase database, TimeProvider time)
{
    /// <summary>Records a plan seen in a request as pending, unless it is already known.</summary>
    public void RecordSeen(string hash, string json) =>
        Upsert(hash, json, PlanStatus.Pending, onlyIfNew: true);

    public void Approve(string hash, string json) => Upsert(hash, json, PlanStatus.Approved, onlyIfNew: false);

    /// <summary>Changes the status of a known plan; false when the hash is unknown.</summary>
    public bool SetStatus(string hash, PlanStatus status)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE plans SET status = $status, updated_at = $at WHERE hash = $hash";
        command.Parameters.AddWithValue("$status", status.ToString());
        command.Parameters.AddWithValue("$at", time.GetUtcNow().ToString("O"));
        command.Parameters.AddWithValue("$hash", hash);
        return command.ExecuteNonQuery() > 0;
    }

    public PlanStatus? StatusOf(string hash)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT status FROM plans WHERE hash = $hash";
        command.Parameters.AddWithValue("$hash", hash);
        return command.ExecuteScalar() is string status ? Enum.Parse<PlanStatus>(status) : null;
    }

    public IReadOnlyList<StoredPlan> List()
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT hash, json, status, updated_at FROM plans ORDER BY updated_at";
        using var reader = command.ExecuteReader();
        var result = new List<StoredPlan>();
        while (reader.Read())
        {
            result.Add(new StoredPlan(reader.GetString(0), reader.GetString(1), Enum.Parse<PlanStatus>(reader.GetString(2)),
                DateTimeOffset.Parse(reader.GetString(3), System.Globalization.CultureInfo.InvariantCulture)));
        }
        return result;
    }

    private void Upsert(string hash, string json, PlanStatus status, bool onlyIfNew)
    {
        using var connection = database.Open();
        NodeDatabase.Execute(connection, onlyIfNew
                ? "INSERT OR IGNORE INTO plans (hash, json, status, updated_at) VALUES ($hash, $json, $status, $at)"
                : "INSERT INTO plans (hash, json, status, updated_at) VALUES ($hash, $json, $status, $at) ON CONFLICT(hash) DO UPDATE SET status = $status, updated_at = $at",
            ("$hash", hash), ("$json", json), ("$status", status.ToString()), ("$at", time.GetUtcNow().ToString("O")));
    }
}

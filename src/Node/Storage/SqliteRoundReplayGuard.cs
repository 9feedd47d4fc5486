using FedBioMed.Aggregation.SecureAggregation;

namespace FedBioMed.Node.Storage;

/// <summary>The replay guard kept in the node's database, so a restart does not let a server replay an old round.</summary>
public sealed class SqliteRoundReplayGuard(NodeDatabase database) : IRoundReplayGuard
{
    public bool TryBegin(RoundHeader header, out string reason)
    {
        ArgumentNullException.ThrowIfNull(header);
        var session = Convert.ToHexStringLower(header.SessionId);
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        using (var check = connection.CreateCommand())
        {
            check.Transaction = transaction;
            check.CommandText = "SELECT (SELECT COUNT(*) FROM sessions WHERE session = $s), (SELECT last_round FROM experiment_rounds WHERE experiment = $e)";
            check.Parameters.AddWithValue("$s", session);
            check.Parameters.AddWithValue("$e", header.ExperimentId);
            using var reader = check.ExecuteReader();
            reader.Read();
            if (reader.GetInt64(0) > 0)
            {
                reason = $"session {session[..8]}… was already used";
                return false;
            }
            if (!reader.IsDBNull(1) && header.Round <= reader.GetInt64(1))
            {
                reason = $"round {header.Round} of experiment '{header.ExperimentId}' is not after round {reader.GetInt64(1)}";
                return false;
            }
        }
        using (var write = connection.CreateCommand())
        {
            write.Transaction = transaction;
            write.CommandText = """
                INSERT INTO sessions (session) VALUES ($s);
                INSERT INTO experiment_rounds (experiment, last_round) VALUES ($e, $r) ON CONFLICT(experiment) DO UPDATE SET last_round = $r;
                """;
            write.Parameters.AddWithValue("$s", session);
            write.Parameters.AddWithValue("$e", header.ExperimentId);
            write.Parameters.AddWithValue("$r", header.Round);
            write.ExecuteNonQuery();
        }
        transaction.Commit();
        reason = "";
        return true;
    }
}

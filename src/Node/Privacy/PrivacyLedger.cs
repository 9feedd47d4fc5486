using System.Text.Json;
using FedBioMed.Aggregation.Privacy;
using FedBioMed.Node.Storage;

namespace FedBioMed.Node.Privacy;

/// <summary>
/// The node's persistent record of the privacy each dataset has spent: one RDP curve (over
/// <see cref="RdpAccountant.DefaultOrders"/>) per (experiment, round), summed by composition and converted
/// to ε at the policy's δ. A round is recorded before its noisy update leaves the node, so a crash can
/// only over-count, never under-count.
/// </summary>
public sealed class PrivacyLedger(NodeDatabase database, TimeProvider time)
{
    /// <summary>Total RDP of a dataset over the default orders.</summary>
    public double[] Spent(string datasetId)
    {
        var orders = RdpAccountant.DefaultOrders;
        var total = new double[orders.Count];
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT rdp FROM privacy_ledger WHERE dataset = $d";
        command.Parameters.AddWithValue("$d", datasetId);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var rdp = JsonSerializer.Deserialize<double[]>(reader.GetString(0)) ?? [];
            if (rdp.Length != total.Length) throw new InvalidDataException($"privacy ledger entry of '{datasetId}' has {rdp.Length} orders, expected {total.Length}");
            for (var i = 0; i < total.Length; i++) total[i] += rdp[i];
        }
        return total;
    }

    public double EpsilonSpent(string datasetId, double delta) => Epsilon(Spent(datasetId), delta);

    public static double Epsilon(double[] rdp, double delta) =>
        rdp.All(r => r == 0) ? 0 : RdpAccountant.ToEpsilon(RdpAccountant.DefaultOrders, rdp, delta).Epsilon;

    /// <summary>Records a round's RDP; recording the same (dataset, experiment, round) again keeps the larger cost per order.</summary>
    public void Record(string datasetId, string experimentId, long round, double[] rdp)
    {
        using var connection = database.Open();
        // Commands created on the connection from here on run in this transaction (SqliteConnection.CreateCommand sets it).
        using var transaction = connection.BeginTransaction();
        using (var read = connection.CreateCommand())
        {
            read.CommandText = "SELECT rdp FROM privacy_ledger WHERE dataset = $d AND experiment = $e AND round = $r";
            read.Parameters.AddWithValue("$d", datasetId);
            read.Parameters.AddWithValue("$e", experimentId);
            read.Parameters.AddWithValue("$r", round);
            if (read.ExecuteScalar() is string existing && JsonSerializer.Deserialize<double[]>(existing) is { } old && old.Length == rdp.Length)
                rdp = rdp.Zip(old, Math.Max).ToArray();
        }
        NodeDatabase.Execute(connection, """
            INSERT INTO privacy_ledger (dataset, experiment, round, rdp, recorded_at) VALUES ($d, $e, $r, $rdp, $at)
            ON CONFLICT(dataset, experiment, round) DO UPDATE SET rdp = $rdp, recorded_at = $at
            """,
            ("$d", datasetId), ("$e", experimentId), ("$r", round), ("$rdp", JsonSerializer.Serialize(rdp)), ("$at", time.GetUtcNow().ToString("O")));
        transaction.Commit();
    }
}

using System.Text.Json;
using FedBioMed.Aggregation.SecureAggregation;

namespace FedBioMed.Federation.Wire;

/// <summary>
/// The federation roster on disk: a JSON object mapping each node id to its Ed25519 identity public
/// key in hex, distributed to the researcher and every node out of band.
/// </summary>
public static class RosterFile
{
    public static Roster Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"roster file '{path}' does not exist", path);
        Dictionary<string, string>? entries;
        try
        {
            entries = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path));
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"roster file '{path}' is not a JSON object of node id → hex key: {ex.Message}", ex);
        }
        if (entries is null || entries.Count == 0) throw new InvalidDataException($"roster file '{path}' lists no nodes");
        return new Roster(entries.Select(kv =>
        {
            try
            {
                return KeyValuePair.Create(kv.Key, Convert.FromHexString(kv.Value));
            }
            catch (FormatException)
            {
                throw new InvalidDataException($"roster file '{path}': the key of '{kv.Key}' is not hex");
            }
        }));
    }

    public static void Save(string path, IEnumerable<KeyValuePair<string, byte[]>> identityKeys)
    {
        var json = JsonSerializer.Serialize(identityKeys.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .ToDictionary(kv => kv.Key, kv => Convert.ToHexStringLower(kv.Value)), new JsonSerializerOptions { WriteIndented = true });
        File.WriteAllText(path, json);
    }
}

using System.Security.Cryptography;
using FedBioMed.Aggregation.SecureAggregation;

namespace FedBioMed.Federation;

/// <summary>A participant's long-term Ed25519 identity key (a node's, or the researcher's that signs its audit trail), in a file only its owner can read.</summary>
public static class IdentityKeyFile
{
    public static NodeIdentity LoadOrCreate(string nodeId, string path)
    {
        if (File.Exists(path))
        {
            var hex = File.ReadAllText(path).Trim();
            byte[] key;
            try
            {
                key = Convert.FromHexString(hex);
            }
            catch (FormatException)
            {
                throw new InvalidDataException($"identity key file '{path}' is not hex");
            }
            try
            {
                if (key.Length != Crypto.Ed25519.PrivateKeySize)
                    throw new InvalidDataException($"identity key file '{path}' holds {key.Length} bytes, not a {Crypto.Ed25519.PrivateKeySize}-byte Ed25519 key");
                return new NodeIdentity(nodeId, key);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(key);
            }
        }
        var identity = NodeIdentity.Generate(nodeId);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temp = path + ".tmp";
        File.WriteAllText(temp, "");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var secret = identity.ExportPrivateKey();
        File.WriteAllText(temp, Convert.ToHexStringLower(secret));
        CryptographicOperations.ZeroMemory(secret);
        File.Move(temp, path, overwrite: false);
        return identity;
    }
}

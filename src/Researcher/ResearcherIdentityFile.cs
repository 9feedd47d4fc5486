using System.Security.Cryptography;
using FedBioMed.Aggregation.SecureAggregation;

namespace FedBioMed.Researcher;

/// <summary>The researcher's long-term Ed25519 identity key (it signs the researcher's audit trail), in a file only its owner can read.</summary>
public static class ResearcherIdentityFile
{
    /// <summary>Loads the key in <paramref name="path"/> (hex), or creates it there.</summary>
    public static NodeIdentity LoadOrCreate(string researcherId, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (File.Exists(path))
        {
            byte[] key;
            try
            {
                key = Convert.FromHexString(File.ReadAllText(path).Trim());
            }
            catch (FormatException)
            {
                throw new InvalidDataException($"researcher key file '{path}' is not hex");
            }
            try
            {
                if (key.Length != Crypto.Ed25519.PrivateKeySize)
                    throw new InvalidDataException($"researcher key file '{path}' holds {key.Length} bytes, not a {Crypto.Ed25519.PrivateKeySize}-byte Ed25519 key");
                return new NodeIdentity(researcherId, key);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(key);
            }
        }
        var identity = NodeIdentity.Generate(researcherId);
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

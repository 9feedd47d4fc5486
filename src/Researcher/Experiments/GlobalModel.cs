using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace FedBioMed.Researcher.Experiments;

/// <summary>The global model's flat parameters as they travel: little-endian float32, identified by SHA-256.</summary>
internal static class GlobalModel
{
    public static byte[] ToBytes(float[] parameters) => MemoryMarshal.AsBytes(parameters.AsSpan()).ToArray();

    public static string Sha256(float[] parameters) => Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(parameters.AsSpan())));
}

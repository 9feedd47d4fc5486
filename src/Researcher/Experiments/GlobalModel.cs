using System.Runtime.InteropServices;
using FedBioMed.Federation.Audit;

namespace FedBioMed.Researcher.Experiments;

/// <summary>The global model's flat parameters as they travel: little-endian float32, identified by SHA-256.</summary>
internal static class GlobalModel
{
    public static byte[] ToBytes(float[] parameters) => MemoryMarshal.AsBytes(parameters.AsSpan()).ToArray();

    /// <summary>The model's hash as round results and audit records carry it (<see cref="AuditDigest.Bytes"/> of its bytes).</summary>
    public static string Sha256(float[] parameters) => AuditDigest.Bytes(MemoryMarshal.AsBytes(parameters.AsSpan()));
}

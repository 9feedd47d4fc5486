namespace FedBioMed.Crypto;

/// <summary>
/// One Shamir share: the x-coordinate <paramref name="Index"/> (1 to 65535) and <paramref name="Value"/>, the 24
/// big-endian GF(2^16) symbols (48 bytes) of the share polynomials evaluated at <paramref name="Index"/>.
/// </summary>
public readonly record struct ShamirShare(int Index, byte[] Value);

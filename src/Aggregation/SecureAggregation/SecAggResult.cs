namespace FedBioMed.Aggregation.SecureAggregation;

/// <summary>
/// The outcome of a completed round: Σ x_u mod 2^b over the survivors, as little-endian words. No
/// individual input is ever part of it.
/// </summary>
public sealed record SecAggResult(RoundHeader Header, IReadOnlyList<string> Survivors, IReadOnlyList<string> Dropped, int WordBits, byte[] Sum)
{
    /// <summary>The sum read as signed integers (two's complement), which the modulus check makes exact.</summary>
    public long[] SignedSum()
    {
        var result = new long[Sum.Length / (WordBits / 8)];
        if (WordBits == 16)
        {
            var words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(Sum);
            for (var i = 0; i < words.Length; i++) result[i] = words[i];
        }
        else if (WordBits == 32)
        {
            var words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(Sum);
            for (var i = 0; i < words.Length; i++) result[i] = words[i];
        }
        else
        {
            System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(Sum).CopyTo(result);
        }
        return result;
    }
}

/// <summary>What the server must send after closing a stage, or how the round ended.</summary>
public sealed record ServerStep(IReadOnlyDictionary<string, Messages.ServerMessage> Messages, SecAggResult? Result = null, string? AbortReason = null)
{
    public static ServerStep Abort(string reason) =>
        new(new Dictionary<string, Messages.ServerMessage>(), AbortReason: reason);
}

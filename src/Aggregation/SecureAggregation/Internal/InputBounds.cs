using System.Runtime.InteropServices;

namespace FedBioMed.Aggregation.SecureAggregation.Internal;

/// <summary>
/// An honest node checks its own input against the announced magnitude bound: a larger value could
/// make the sum wrap and silently corrupt the aggregate.
/// </summary>
internal static class InputBounds
{
    public static void Require(ReadOnlySpan<byte> input, SecAggConfig config)
    {
        var limit = config.MaxAbsInput;
        if (config.WordBits == 16)
        {
            var words = MemoryMarshal.Cast<byte, short>(input);
            for (var i = 0; i < words.Length; i++)
                if ((ulong)Math.Abs((int)words[i]) > limit) Fail(i, words[i], limit);
        }
        else if (config.WordBits == 32)
        {
            var words = MemoryMarshal.Cast<byte, int>(input);
            for (var i = 0; i < words.Length; i++)
                if ((ulong)Math.Abs((long)words[i]) > limit) Fail(i, words[i], limit);
        }
        else
        {
            var words = MemoryMarshal.Cast<byte, long>(input);
            for (var i = 0; i < words.Length; i++)
                if (words[i] == long.MinValue || (ulong)Math.Abs(words[i]) > limit) Fail(i, words[i], limit);
        }
    }

    // The value itself stays out of the message: refusal texts travel to the server.
    private static void Fail(int index, long value, ulong limit) =>
        throw new SecAggRefusedException(RefusalReason.InvalidParameters,
            $"input word {index} is beyond the round's bound ±{limit}; the sum could wrap");
}

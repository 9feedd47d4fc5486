using System.Numerics;

namespace FedBioMed.Aggregation.SecureAggregation;

/// <summary>
/// The public parameters of one SecAgg+ round, announced by the server in <see cref="Messages.RoundStart"/>
/// and checked by every node before it takes part.
/// </summary>
public sealed record SecAggConfig
{
    /// <summary>Experiment, round and session this configuration belongs to.</summary>
    public required RoundHeader Header { get; init; }

    /// <summary>The selected nodes, in ordinal order, without duplicates.</summary>
    public required IReadOnlyList<string> Cohort { get; init; }

    /// <summary>Shares needed to reconstruct a secret; must exceed half of each node's share holders.</summary>
    public required int Threshold { get; init; }

    /// <summary>Neighbours per node: <c>Cohort.Count - 1</c> is full SecAgg, O(log n) is SecAgg+.</summary>
    public required int NeighbourDegree { get; init; }

    /// <summary>Words in each input vector.</summary>
    public required int VectorLength { get; init; }

    /// <summary>Word size b of the modulus 2^b: 16, 32 or 64.</summary>
    public required int WordBits { get; init; }

    /// <summary>
    /// The largest absolute value any coordinate of one node's input may have (inputs are signed
    /// integers in two's complement mod 2^b). Used to prove the sum cannot wrap.
    /// </summary>
    public required ulong MaxAbsInput { get; init; }

    /// <summary>
    /// A bound on |Σ x_u| per coordinate that holds except with a stated negligible probability, when it is
    /// tighter than n·<see cref="MaxAbsInput"/> (noisy, rotated updates: the noise adds in quadrature and a
    /// rotated coordinate is small with overwhelming probability). Null: the worst case n·MaxAbsInput.
    /// </summary>
    public ulong? MaxAbsSum { get; init; }

    /// <summary>Bytes of one encoded input vector.</summary>
    public int VectorBytes => checked(VectorLength * (WordBits / 8));

    /// <summary>Holders of each node's shares: its neighbours and itself.</summary>
    public int HoldersPerNode => NeighbourDegree + 1;

    /// <summary>The configuration digest D of protocol §6.1: SHA-256 of every parameter, what each node signs in its key advertisement.</summary>
    public byte[] Digest() => Internal.SecAggKdf.ConfigDigest(this);

    /// <summary>
    /// Throws <see cref="SecAggRefusedException"/> with <see cref="RefusalReason.InvalidParameters"/>
    /// naming the first parameter that is wrong.
    /// </summary>
    public void Validate()
    {
        static void Fail(string message) => throw new SecAggRefusedException(RefusalReason.InvalidParameters, message);

        if (Header is null || string.IsNullOrEmpty(Header.ExperimentId)) Fail("experiment id is empty");
        if (Header!.SessionId is null || Header.SessionId.Length != RoundHeader.SessionIdSize)
            Fail($"session id must be {RoundHeader.SessionIdSize} bytes");
        if (Header.Round < 0) Fail($"round {Header.Round} is negative");
        if (Cohort is null || Cohort.Count < 2) Fail("cohort must have at least 2 nodes");
        for (var i = 1; i < Cohort!.Count; i++)
        {
            if (string.CompareOrdinal(Cohort[i - 1], Cohort[i]) >= 0)
                Fail($"cohort must be sorted and without duplicates (at '{Cohort[i]}')");
        }
        if (Cohort.Any(string.IsNullOrEmpty)) Fail("cohort contains an empty node id");
        var n = Cohort.Count;
        if (NeighbourDegree < 1 || NeighbourDegree > n - 1)
            Fail($"neighbour degree {NeighbourDegree} must be between 1 and {n - 1}");
        if (NeighbourDegree != n - 1 && NeighbourDegree % 2 != 0)
            Fail($"neighbour degree {NeighbourDegree} must be even (or n-1 = {n - 1} for full SecAgg)");
        // More than half of the holders: then the shares that reveal a survivor's self mask and those that
        // reveal a dropped node's masking key cannot both reach t, so the server never unmasks one node.
        if (Threshold * 2 <= HoldersPerNode || Threshold > HoldersPerNode)
            Fail($"threshold {Threshold} must be more than half of the {HoldersPerNode} share holders and at most {HoldersPerNode}");
        if (Threshold < 2) Fail($"threshold {Threshold} must be at least 2");
        if (WordBits is not (16 or 32 or 64)) Fail($"word bits {WordBits} must be 16, 32 or 64");
        if (VectorLength < 1 || VectorLength > Array.MaxLength / (WordBits / 8))
            Fail($"vector length {VectorLength} must be between 1 and {Array.MaxLength / (WordBits / 8)}");
        if (MaxAbsSum is { } sumBound)
        {
            if (sumBound == 0) Fail("a stated sum bound of 0 is not a bound; leave it unset");
            if (sumBound >= 1UL << (WordBits - 1) || MaxAbsInput >= 1UL << (WordBits - 1))
                Fail($"the stated sum bound {sumBound} (or the input bound {MaxAbsInput}) can wrap modulo 2^{WordBits}");
        }
        else if (!SumFits(n, MaxAbsInput, WordBits))
        {
            Fail($"the sum of {n} inputs of magnitude up to {MaxAbsInput} can wrap modulo 2^{WordBits}");
        }
    }

    /// <summary>
    /// True when any sum of <paramref name="cohortSize"/> signed inputs of magnitude at most
    /// <paramref name="maxAbsInput"/> stays in (-2^(b-1), 2^(b-1)), so the signed sum is recovered exactly.
    /// </summary>
    public static bool SumFits(int cohortSize, ulong maxAbsInput, int wordBits) =>
        (BigInteger)cohortSize * maxAbsInput < BigInteger.One << (wordBits - 1);

    /// <summary>The smallest supported word size (16, 32 or 64) whose modulus holds the sum, or throws.</summary>
    public static int ChooseWordBits(int cohortSize, ulong maxAbsInput) =>
        SumFits(cohortSize, maxAbsInput, 16) ? 16
        : SumFits(cohortSize, maxAbsInput, 32) ? 32
        : SumFits(cohortSize, maxAbsInput, 64) ? 64
        : throw new ArgumentOutOfRangeException(nameof(maxAbsInput),
            $"the sum of {cohortSize} inputs of magnitude up to {maxAbsInput} does not fit in 64-bit words");
}

namespace FedBioMed.Researcher.Experiments;

/// <summary>
/// Client-level distributed DP for an experiment: each node clips its update to <see cref="ClipNorm"/>
/// and adds discrete Gaussian noise sized so that, over the smallest cohort a round may complete with,
/// the whole experiment stays within (<see cref="TargetEpsilon"/>, <see cref="Delta"/>).
/// </summary>
public sealed record ClientDpSpec
{
    public required double TargetEpsilon { get; init; }

    /// <summary><value>Default 1e-5.</value></summary>
    public double Delta { get; init; } = 1e-5;

    /// <summary>L2 bound of one node's update. <value>Default 1.</value></summary>
    public double ClipNorm { get; init; } = 1;

    /// <summary>Bits per coordinate on the wire (16, 32 or 64). <value>Default 16.</value></summary>
    public int WordBits { get; init; } = 16;

    /// <summary>Randomized Hadamard rotation before quantization. <value>Default true.</value></summary>
    public bool Rotate { get; init; } = true;

    public void Validate()
    {
        if (!(TargetEpsilon > 0)) throw new ArgumentException($"experiment.clientDp.targetEpsilon: {TargetEpsilon} must be positive");
        if (!(Delta > 0 && Delta < 1)) throw new ArgumentException($"experiment.clientDp.delta: {Delta} must be in (0, 1)");
        if (!(ClipNorm > 0)) throw new ArgumentException($"experiment.clientDp.clipNorm: {ClipNorm} must be positive");
        if (WordBits is not (16 or 32 or 64)) throw new ArgumentException($"experiment.clientDp.wordBits: {WordBits} must be 16, 32 or 64");
    }
}

namespace FedBioMed.Aggregation.SecureAggregation;

/// <summary>The stages of one SecAgg+ round, in protocol order (docs/protocol.md).</summary>
public enum SecAggStage
{
    /// <summary>Stage 0: nodes publish signed channel and masking public keys.</summary>
    AdvertiseKeys = 0,
    /// <summary>Stage 1: nodes send encrypted Shamir shares of their self-mask seed and masking key.</summary>
    ShareKeys = 1,
    /// <summary>Stage 2: nodes send their masked input vectors.</summary>
    MaskedInput = 2,
    /// <summary>Stage 3: nodes sign the survivor set the server announced.</summary>
    ConsistencyCheck = 3,
    /// <summary>Stage 4: nodes reveal the shares the server needs to remove the masks.</summary>
    Unmask = 4,
    /// <summary>The round produced its sum.</summary>
    Completed = 5,
    /// <summary>The round stopped without reconstructing anything.</summary>
    Aborted = 6,
}

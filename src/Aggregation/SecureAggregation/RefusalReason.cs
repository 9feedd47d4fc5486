namespace FedBioMed.Aggregation.SecureAggregation;

/// <summary>Why a participant refused to go on with a round (threat-model/README.md maps them to tests).</summary>
public enum RefusalReason
{
    /// <summary>Round parameters are invalid or break this participant's policy.</summary>
    InvalidParameters,
    /// <summary>A message arrived for a different stage than the one the participant is in.</summary>
    UnexpectedStage,
    /// <summary>A message belongs to another experiment, round or session (a replay).</summary>
    WrongSession,
    /// <summary>A round or session id was seen before.</summary>
    ReplayedRound,
    /// <summary>A key advertisement's signature does not verify against the roster.</summary>
    BadKeySignature,
    /// <summary>A participant that is not in the roster or the cohort appeared.</summary>
    UnknownParticipant,
    /// <summary>A public key is malformed or of low order.</summary>
    InvalidPublicKey,
    /// <summary>An encrypted share failed authentication or names the wrong parties.</summary>
    ForgedShare,
    /// <summary>Too few participants remain for the threshold.</summary>
    BelowThreshold,
    /// <summary>The announced survivor set is malformed or contradicts what this participant saw.</summary>
    InconsistentSurvivorSet,
    /// <summary>A consistency signature does not verify (different nodes were shown different sets).</summary>
    BadConsistencySignature,
    /// <summary>The server asked for both the self-mask share and the masking-key share of one node.</summary>
    BothSharesRequested,
    /// <summary>The server asked for a share that contradicts the survivor set.</summary>
    ShareContradictsSurvivorSet,
    /// <summary>A message is malformed (sizes, duplicates, missing fields).</summary>
    MalformedMessage,
}

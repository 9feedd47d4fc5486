namespace FedBioMed.Federation.Audit.Verification;

/// <summary>The rule names findings carry.</summary>
public static class AuditRules
{
    /// <summary>A line that is not a canonical record.</summary>
    public const string Malformed = "chain.malformed";
    /// <summary>Missing or wrong <c>trail.start</c> header (or a second one).</summary>
    public const string Header = "chain.header";
    /// <summary>A record whose signature does not verify under the header's key (edited, or signed by another key).</summary>
    public const string Signature = "chain.signature";
    /// <summary>Records missing from the sequence (deleted).</summary>
    public const string Gap = "chain.gap";
    /// <summary>Records whose batch seal cannot be reached: a later record of the batch is missing or altered, or the trail ends inside a batch.</summary>
    public const string Unsealed = "chain.unsealed";
    /// <summary>A record placed after one with a higher seq (reordered), or a repeated seq.</summary>
    public const string Order = "chain.order";
    /// <summary>A record whose <c>prev</c> is not the hash of the record before it (spliced from elsewhere).</summary>
    public const string Prev = "chain.prev";
    /// <summary>The last line is incomplete.</summary>
    public const string Torn = "chain.torn";
    /// <summary>A record naming another participant than the header.</summary>
    public const string Participant = "chain.participant";
    /// <summary>An event outside the vocabulary.</summary>
    public const string UnknownEvent = "event.unknown";
    /// <summary>The header key is not the participant's key in the roster (or --researcher-key).</summary>
    public const string RosterKey = "roster.key";
    /// <summary>A trail from another run than the others.</summary>
    public const string Run = "run.mismatch";
    /// <summary>Two trails of the same participant.</summary>
    public const string Duplicate = "trail.duplicate";
    /// <summary>Stage events out of order in one round, or protocol steps after a refusal.</summary>
    public const string StageOrder = "order.stage";
    /// <summary>A round that started and never ended in the trail (truncated, or the participant stopped).</summary>
    public const string Incomplete = "round.incomplete";
    /// <summary>One node asked for (or revealing) both shares of one owner in one round.</summary>
    public const string BothShares = "unmask.both-shares";
    /// <summary>Holders revealed self-mask-seed shares of an owner while others revealed its masking-key shares.</summary>
    public const string SplitKinds = "unmask.split-kinds";
    /// <summary>A request for a survivor's masking key or a dropped node's self-mask seed.</summary>
    public const string Contradicts = "unmask.contradicts-survivors";
    /// <summary>A relayed item (advertisement, share, consistency signature) that its author's trail does not show sending.</summary>
    public const string Relay = "relay.mismatch";
    /// <summary>A share the server held and should have forwarded (both directions sent) that never reached its receiver.</summary>
    public const string Withheld = "relay.withheld";
    /// <summary>Participants saw different survivor sets in one round.</summary>
    public const string Survivors = "survivors.differ";
    /// <summary>Participants recorded different global-model hashes for one round.</summary>
    public const string Model = "model.differ";
    /// <summary>Participants were given different round parameters.</summary>
    public const string Parameters = "parameters.differ";
    /// <summary>A node took part in a round whose parameters its policy forbids, or spent more ε than it allows.</summary>
    public const string Policy = "policy.violated";
    /// <summary>A received message that the sender's trail does not record sending (other hash, or none).</summary>
    public const string Message = "message.mismatch";
    /// <summary>A record of messages whose lists do not line up (more or fewer digests or sizes than peers, or a sent message with no or several senders): it stands for no message.</summary>
    public const string MessageLists = "message.malformed";
}

namespace FedBioMed.Aggregation.SecureAggregation.Messages;

/// <summary>Server → every cohort node: the round's parameters. Opens stage 0.</summary>
public sealed record RoundStart(SecAggConfig Config) : ServerMessage(Config.Header);

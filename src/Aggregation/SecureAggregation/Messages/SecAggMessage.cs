namespace FedBioMed.Aggregation.SecureAggregation.Messages;

/// <summary>Any protocol message; the header binds it to one experiment, round and session.</summary>
public abstract record SecAggMessage(RoundHeader Header);

/// <summary>A message the server sends to a node.</summary>
public abstract record ServerMessage(RoundHeader Header) : SecAggMessage(Header);

/// <summary>A message a node sends to the server.</summary>
public abstract record ClientMessage(RoundHeader Header, string Sender) : SecAggMessage(Header);

using FedBioMed.Aggregation.SecureAggregation;
using FedBioMed.Aggregation.SecureAggregation.Messages;
using Google.Protobuf;

namespace FedBioMed.Federation.Wire;

/// <summary>Translates SecAgg+ messages to and from their protobuf form; malformed input becomes a clear error.</summary>
public static class SecAggWireMapper
{
    public static RoundHeaderMsg ToWire(RoundHeader header) =>
        new() { ExperimentId = header.ExperimentId, Round = header.Round, SessionId = ByteString.CopyFrom(header.SessionId) };

    public static RoundHeader FromWire(RoundHeaderMsg? header) =>
        header is null
            ? throw new InvalidDataException("SecAgg message has no round header")
            : new RoundHeader(header.ExperimentId, header.Round, header.SessionId.ToByteArray());

    public static ResearcherEnvelope ToWire(ServerMessage message) => message switch
    {
        RoundStart m => new ResearcherEnvelope
        {
            RoundStart = new RoundStartMsg
            {
                Header = ToWire(m.Header), Cohort = { m.Config.Cohort }, Threshold = m.Config.Threshold,
                NeighbourDegree = m.Config.NeighbourDegree, VectorLength = m.Config.VectorLength,
                WordBits = m.Config.WordBits, MaxAbsInput = m.Config.MaxAbsInput, MaxAbsSum = m.Config.MaxAbsSum ?? 0,
            },
        },
        AdvertisedKeys m => new ResearcherEnvelope
        {
            AdvertisedKeys = new AdvertisedKeysMsg { Header = ToWire(m.Header), Advertisements = { m.Advertisements.Select(ToWireAdvertisement) } },
        },
        ForwardedShares m => new ResearcherEnvelope
        {
            ForwardedShares = new ForwardedSharesMsg { Header = ToWire(m.Header), Shares = { m.Shares.Select(ToWireShare) } },
        },
        SurvivorSet m => new ResearcherEnvelope { SurvivorSet = new SurvivorSetMsg { Header = ToWire(m.Header), Survivors = { m.Survivors } } },
        UnmaskRequest m => new ResearcherEnvelope
        {
            UnmaskRequest = new UnmaskRequestMsg
            {
                Header = ToWire(m.Header), Survivors = { m.Survivors },
                Signatures = { m.Signatures.Select(ToWireSignature) },
                Requests = { m.Requests.Select(r => new ShareRequestMsg { Owner = r.Owner, Kind = (int)r.Kind }) },
            },
        },
        _ => throw new ArgumentException($"no wire form for {message.GetType().Name}", nameof(message)),
    };

    /// <summary>The SecAgg message inside an envelope, or null when the envelope carries something else.</summary>
    public static ServerMessage? FromWire(ResearcherEnvelope envelope) => envelope.BodyCase switch
    {
        ResearcherEnvelope.BodyOneofCase.RoundStart => new RoundStart(new SecAggConfig
        {
            Header = FromWire(envelope.RoundStart.Header), Cohort = envelope.RoundStart.Cohort.ToArray(),
            Threshold = envelope.RoundStart.Threshold, NeighbourDegree = envelope.RoundStart.NeighbourDegree,
            VectorLength = envelope.RoundStart.VectorLength, WordBits = envelope.RoundStart.WordBits,
            MaxAbsInput = envelope.RoundStart.MaxAbsInput,
            MaxAbsSum = envelope.RoundStart.MaxAbsSum == 0 ? null : envelope.RoundStart.MaxAbsSum,
        }),
        ResearcherEnvelope.BodyOneofCase.AdvertisedKeys => new AdvertisedKeys(
            FromWire(envelope.AdvertisedKeys.Header), envelope.AdvertisedKeys.Advertisements.Select(FromWireAdvertisement).ToArray()),
        ResearcherEnvelope.BodyOneofCase.ForwardedShares => new ForwardedShares(
            FromWire(envelope.ForwardedShares.Header), envelope.ForwardedShares.Shares.Select(FromWireShare).ToArray()),
        ResearcherEnvelope.BodyOneofCase.SurvivorSet => new SurvivorSet(FromWire(envelope.SurvivorSet.Header), envelope.SurvivorSet.Survivors.ToArray()),
        ResearcherEnvelope.BodyOneofCase.UnmaskRequest => new UnmaskRequest(
            FromWire(envelope.UnmaskRequest.Header), envelope.UnmaskRequest.Survivors.ToArray(),
            envelope.UnmaskRequest.Signatures.Select(FromWireSignature).ToArray(),
            envelope.UnmaskRequest.Requests.Select(r => new ShareRequest(r.Owner, ToShareKind(r.Kind))).ToArray()),
        _ => null,
    };

    /// <summary>Wire form of a node's reply; a masked input is not mapped here because it travels as chunks.</summary>
    public static NodeEnvelope ToWire(ClientMessage message) => message switch
    {
        KeyAdvertisement m => new NodeEnvelope { KeyAdvertisement = ToWireAdvertisement(m) },
        EncryptedShares m => new NodeEnvelope
        {
            EncryptedShares = new EncryptedSharesMsg { Header = ToWire(m.Header), Sender = m.Sender, Shares = { m.Shares.Select(ToWireShare) } },
        },
        ConsistencySignature m => new NodeEnvelope { ConsistencySignature = ToWireSignature(m) },
        UnmaskResponse m => new NodeEnvelope
        {
            UnmaskResponse = new UnmaskResponseMsg
            {
                Header = ToWire(m.Header), Sender = m.Sender,
                Shares = { m.Shares.Select(s => new RevealedShareMsg { Owner = s.Owner, Kind = (int)s.Kind, Index = s.Index, Value = ByteString.CopyFrom(s.Value) }) },
            },
        },
        _ => throw new ArgumentException($"{message.GetType().Name} has no single-message wire form", nameof(message)),
    };

    public static ClientMessage? FromWire(NodeEnvelope envelope) => envelope.BodyCase switch
    {
        NodeEnvelope.BodyOneofCase.KeyAdvertisement => FromWireAdvertisement(envelope.KeyAdvertisement),
        NodeEnvelope.BodyOneofCase.EncryptedShares => new EncryptedShares(
            FromWire(envelope.EncryptedShares.Header), envelope.EncryptedShares.Sender, envelope.EncryptedShares.Shares.Select(FromWireShare).ToArray()),
        NodeEnvelope.BodyOneofCase.ConsistencySignature => FromWireSignature(envelope.ConsistencySignature),
        NodeEnvelope.BodyOneofCase.UnmaskResponse => new UnmaskResponse(
            FromWire(envelope.UnmaskResponse.Header), envelope.UnmaskResponse.Sender,
            envelope.UnmaskResponse.Shares.Select(s => new RevealedShare(s.Owner, ToShareKind(s.Kind), s.Index, s.Value.ToByteArray())).ToArray()),
        _ => null,
    };

    private static ShareKind ToShareKind(int kind) =>
        Enum.IsDefined((ShareKind)kind) ? (ShareKind)kind : throw new InvalidDataException($"share kind {kind} is not defined");

    private static KeyAdvertisementMsg ToWireAdvertisement(KeyAdvertisement m) => new()
    {
        Header = ToWire(m.Header), Sender = m.Sender, ChannelPublicKey = ByteString.CopyFrom(m.ChannelPublicKey),
        MaskingPublicKey = ByteString.CopyFrom(m.MaskingPublicKey), Signature = ByteString.CopyFrom(m.Signature),
    };

    private static KeyAdvertisement FromWireAdvertisement(KeyAdvertisementMsg m) =>
        new(FromWire(m.Header), m.Sender, m.ChannelPublicKey.ToByteArray(), m.MaskingPublicKey.ToByteArray(), m.Signature.ToByteArray());

    private static EncryptedShareMsg ToWireShare(EncryptedShare s) =>
        new() { Sender = s.Sender, Receiver = s.Receiver, Ciphertext = ByteString.CopyFrom(s.Ciphertext) };

    private static EncryptedShare FromWireShare(EncryptedShareMsg s) => new(s.Sender, s.Receiver, s.Ciphertext.ToByteArray());

    private static ConsistencySignatureMsg ToWireSignature(ConsistencySignature s) =>
        new() { Header = ToWire(s.Header), Sender = s.Sender, Signature = ByteString.CopyFrom(s.Signature) };

    private static ConsistencySignature FromWireSignature(ConsistencySignatureMsg s) => new(FromWire(s.Header), s.Sender, s.Signature.ToByteArray());
}

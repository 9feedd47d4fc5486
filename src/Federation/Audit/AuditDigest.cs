using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using FedBioMed.Aggregation.SecureAggregation;
using FedBioMed.Aggregation.SecureAggregation.Messages;
using FedBioMed.Crypto;
using FedBioMed.Federation.Audit.Internal;
using FedBioMed.Federation.Wire;
using Google.Protobuf;

namespace FedBioMed.Federation.Audit;

/// <summary>
/// SHA-256 digests (lowercase hex) that audit records carry instead of content. A protocol message's
/// digest is computed from its fields, not from a transport encoding, so sender and receiver get the same
/// value whatever carried it: SHA-256 of <c>field("FedBioMed.NET/1") ‖ field("audit/message/" + type) ‖
/// field(experiment) ‖ field(LE64(round)) ‖ field(session) ‖ fields…</c> with the field encoding of
/// protocol §6 (<c>field(x) = LE32(len(x)) ‖ x</c>, integers as LE64). A masked input or plain update enters
/// through the SHA-256 of its payload, which the chunked transport carries anyway. A training request or
/// reply enters through its protobuf encoding, which Google.Protobuf writes field by field in field-number
/// order, so the sender's message and the receiver's parse of it encode alike.
/// </summary>
public static class AuditDigest
{
    /// <summary>The configuration digest D of protocol §6.1 (what each node signs in its key advertisement).</summary>
    public static string Config(SecAggConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return Convert.ToHexStringLower(config.Digest()); // computed once per configuration object, shared with the protocol
    }

    /// <summary>Digest of a list of ids, in the given order (survivor sets, cohorts).</summary>
    public static string Ids(IReadOnlyList<string> ids) => DigestedIds.Get(ids);

    // A round's survivor set is digested for the set shown, the unmask request and the result, on every side.
    private static readonly ListMemo DigestedIds = new(static ids =>
    {
        var hash = Begin("audit/ids");
        hash.Add(ids.Count);
        for (var i = 0; i < ids.Count; i++) hash.Add(ids[i]);
        return Finish(hash);
    });

    /// <summary>Plain SHA-256 of bytes (a model file, a payload).</summary>
    public static string Bytes(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>The digest of a masked input from the SHA-256 of its payload (what the chunked upload carries).</summary>
    public static string MaskedInput(RoundHeader header, string sender, ReadOnlySpan<byte> payloadSha256)
    {
        var hash = Start(nameof(Aggregation.SecureAggregation.Messages.MaskedInput), header);
        hash.Add(sender).Add(payloadSha256);
        return Finish(hash);
    }

    /// <summary>
    /// The digest of a training request together with the global model it names (<paramref name="modelSha256"/>:
    /// hex SHA-256 of the model bytes as sent or received; empty when none arrived).
    /// </summary>
    public static string TrainingRequest(TrainingRequest request, string modelSha256)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(modelSha256);
        var hash = Start(AuditMessageTypes.TrainingRequest, request.ExperimentId, request.Round, []);
        AddEncoding(hash, request).Add(modelSha256);
        return Finish(hash);
    }

    /// <summary>The digest of a node's reply to a training request.</summary>
    public static string TrainingReply(TrainingReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        var hash = Start(AuditMessageTypes.TrainingReply, reply.ExperimentId, reply.Round, []);
        AddEncoding(hash, reply);
        return Finish(hash);
    }

    /// <summary>The digest of an update sent in the clear, from the SHA-256 of its payload (what the chunked upload carries).</summary>
    public static string PlainUpdate(string experimentId, long round, string sender, ReadOnlySpan<byte> payloadSha256)
    {
        var hash = Start(AuditMessageTypes.PlainUpdate, experimentId, round, []);
        hash.Add(sender).Add(payloadSha256);
        return Finish(hash);
    }

    /// <summary>The digest of any SecAgg+ protocol message.</summary>
    public static string Message(SecAggMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message is MaskedInput masked) return MaskedInput(masked.Header, masked.Sender, SHA256.HashData(masked.Payload ?? []));
        var hash = Start(TypeName(message), message.Header);
        switch (message)
        {
            case RoundStart m:
                hash.Add(m.Config.Digest());
                break;
            case KeyAdvertisement m:
                AddAdvertisement(hash, m);
                break;
            case AdvertisedKeys m:
                hash.Add(m.Advertisements.Count);
                for (var i = 0; i < m.Advertisements.Count; i++) AddAdvertisement(hash, m.Advertisements[i]);
                break;
            case EncryptedShares m:
                hash.Add(m.Sender);
                AddShares(hash, m.Shares);
                break;
            case ForwardedShares m:
                AddShares(hash, m.Shares);
                break;
            case SurvivorSet m:
                AddIds(hash, m.Survivors);
                break;
            case ConsistencySignature m:
                hash.Add(m.Sender).Add(m.Signature ?? []);
                break;
            case UnmaskRequest m:
                AddIds(hash, m.Survivors);
                hash.Add(m.Signatures.Count);
                for (var i = 0; i < m.Signatures.Count; i++) hash.Add(m.Signatures[i].Sender).Add(m.Signatures[i].Signature ?? []);
                hash.Add(m.Requests.Count);
                for (var i = 0; i < m.Requests.Count; i++) hash.Add(m.Requests[i].Owner).Add((long)m.Requests[i].Kind);
                break;
            case UnmaskResponse m:
                hash.Add(m.Sender).Add(m.Shares.Count);
                for (var i = 0; i < m.Shares.Count; i++)
                {
                    var s = m.Shares[i];
                    hash.Add(s.Owner).Add((long)s.Kind).Add(s.Index).Add(s.Value ?? []);
                }
                break;
            default:
                throw new ArgumentException($"no audit digest for {message.GetType().Name}", nameof(message));
        }
        return Finish(hash);
    }

    /// <summary>
    /// The items of a node's message that the server relays to others, as (final receiver, digest): its key
    /// advertisement and consistency signature ("*": every holder), each encrypted share (its receiver).
    /// Null for other messages.
    /// </summary>
    /// <param name="message">The message.</param>
    /// <param name="messageSha256"><see cref="Message"/> of <paramref name="message"/> when the caller has it (an advertisement
    /// or a signature is relayed whole, so its one item is the message itself); computed when null.</param>
    public static IReadOnlyList<(string To, string Sha256)>? AuthoredItems(SecAggMessage message, string? messageSha256 = null) => message switch
    {
        KeyAdvertisement or ConsistencySignature => [("*", messageSha256 ?? Message(message))],
        EncryptedShares m => Shares(m.Header, m.Shares, author: false),
        _ => null,
    };

    /// <summary>
    /// The items of a server message that other nodes authored, as (author, digest), matching
    /// <see cref="AuthoredItems"/> of the author's message when the server relayed them unchanged. Null for
    /// other messages.
    /// </summary>
    public static IReadOnlyList<(string Author, string Sha256)>? RelayedItems(SecAggMessage message) => message switch
    {
        AdvertisedKeys m => Senders(m.Advertisements),
        ForwardedShares m => Shares(m.Header, m.Shares, author: true),
        UnmaskRequest m => Senders(m.Signatures),
        _ => null,
    };

    // Each share as (its sender or its receiver, its digest); loops rather than LINQ, as this runs for every relay.
    private static (string, string Sha256)[] Shares(RoundHeader header, IReadOnlyList<EncryptedShare> shares, bool author)
    {
        var items = new (string, string)[shares.Count];
        for (var i = 0; i < items.Length; i++) items[i] = (author ? shares[i].Sender : shares[i].Receiver, Share(header, shares[i]));
        return items;
    }

    // Each relayed message (advertisement, consistency signature) as (its sender, its digest).
    private static (string Author, string Sha256)[] Senders<T>(IReadOnlyList<T> messages) where T : ClientMessage
    {
        var items = new (string, string)[messages.Count];
        for (var i = 0; i < items.Length; i++) items[i] = (messages[i].Sender, Message(messages[i]));
        return items;
    }

    /// <summary>
    /// The name of a protocol message's type as digests and records carry it: its class name (what <c>GetType().Name</c>
    /// gives), without the reflection call, as this runs for every message on each side.
    /// </summary>
    public static string TypeName(SecAggMessage message) => message switch
    {
        Aggregation.SecureAggregation.Messages.RoundStart => nameof(Aggregation.SecureAggregation.Messages.RoundStart),
        KeyAdvertisement => nameof(KeyAdvertisement),
        AdvertisedKeys => nameof(AdvertisedKeys),
        EncryptedShares => nameof(EncryptedShares),
        ForwardedShares => nameof(ForwardedShares),
        Aggregation.SecureAggregation.Messages.MaskedInput => nameof(Aggregation.SecureAggregation.Messages.MaskedInput),
        SurvivorSet => nameof(SurvivorSet),
        ConsistencySignature => nameof(ConsistencySignature),
        UnmaskRequest => nameof(UnmaskRequest),
        UnmaskResponse => nameof(UnmaskResponse),
        null => throw new ArgumentNullException(nameof(message)),
        _ => message.GetType().Name,
    };

    /// <summary>The name of a share kind as records carry it (the enum member's name), without formatting the enum.</summary>
    public static string KindName(ShareKind kind) => kind switch
    {
        ShareKind.SelfMaskSeed => nameof(ShareKind.SelfMaskSeed),
        ShareKind.MaskingKey => nameof(ShareKind.MaskingKey),
        _ => kind.ToString(),
    };

    /// <summary>One encrypted share as it travels inside a message of <paramref name="header"/>'s round.</summary>
    public static string Share(RoundHeader header, EncryptedShare share)
    {
        ArgumentNullException.ThrowIfNull(share);
        var hash = Start(nameof(EncryptedShare), header);
        hash.Add(share.Sender).Add(share.Receiver).Add(share.Ciphertext ?? []);
        return Finish(hash);
    }

    // The context strings of the message types, built once.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Purposes = new(StringComparer.Ordinal);

    private static ContextBuilder Start(string type, RoundHeader header) => Start(type, header.ExperimentId, header.Round, header.SessionId ?? []);

    private static ContextBuilder Start(string type, string experimentId, long round, ReadOnlySpan<byte> sessionId)
    {
        var hash = Begin(Purposes.GetOrAdd(type, static t => "audit/message/" + t));
        hash.Add(experimentId).Add(round).Add(sessionId);
        return hash;
    }

    // Each thread reuses one builder and its buffer: a round digests a hundred small messages, and a builder per digest was
    // most of what the audit allocated. A digest never starts inside another (each is begun and finished in one call), and
    // Finish hands the builder back; one begun while the thread's is out gets a fresh builder.
    [ThreadStatic]
    private static ContextBuilder? t_builder;

    [ThreadStatic]
    private static bool t_builderOut;

    [ThreadStatic]
    private static IncrementalHash? t_sha256;

    private static ContextBuilder Begin(string purpose)
    {
        if (t_builderOut) return new ContextBuilder(purpose);
        t_builderOut = true;
        return t_builder is { } builder ? builder.Restart(purpose) : t_builder = new ContextBuilder(purpose);
    }

    // A protobuf message's encoding as one field, written straight into scratch: ToByteArray allocated the bytes and a writer
    // for every request and reply digested.
    private static ContextBuilder AddEncoding(ContextBuilder hash, IMessage message)
    {
        var size = message.CalculateSize();
        var rented = size > 1024 ? System.Buffers.ArrayPool<byte>.Shared.Rent(size) : null;
        Span<byte> encoding = rented is null ? stackalloc byte[size] : rented.AsSpan(0, size);
        message.WriteTo(encoding);
        hash.Add(encoding);
        if (rented is not null) System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        return hash;
    }

    private static void AddAdvertisement(ContextBuilder hash, KeyAdvertisement ad) =>
        hash.Add(ad.Sender).Add(ad.ChannelPublicKey ?? []).Add(ad.MaskingPublicKey ?? []).Add(ad.Signature ?? []);

    // Lists are walked by index here and above: a foreach over an IReadOnlyList allocates an enumerator and makes two interface
    // calls per item, for every message digested.
    private static void AddShares(ContextBuilder hash, IReadOnlyList<EncryptedShare> shares)
    {
        hash.Add(shares.Count);
        for (var i = 0; i < shares.Count; i++)
        {
            var share = shares[i];
            hash.Add(share.Sender).Add(share.Receiver).Add(share.Ciphertext ?? []);
        }
    }

    private static void AddIds(ContextBuilder hash, IReadOnlyList<string> ids)
    {
        hash.Add(ids.Count);
        for (var i = 0; i < ids.Count; i++) hash.Add(ids[i]);
    }

    // One SHA-256 over the whole encoding: each field is small, and hashing them one at a time cost a native call per field.
    private static string Finish(ContextBuilder fields)
    {
        Span<byte> sha256 = stackalloc byte[32];
        // A reused native context: a one-shot hash sets one up and frees it per call, which is most of a small input's cost.
        var hash = t_sha256 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(fields.Encoded);
        hash.GetHashAndReset(sha256);
        if (ReferenceEquals(fields, t_builder)) t_builderOut = false;
        return Convert.ToHexStringLower(sha256);
    }
}

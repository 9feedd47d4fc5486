using FedBioMed.Crypto;

namespace FedBioMed.Federation.Wire;

/// <summary>What a node signs to prove its identity on a new stream: researcher, node and a fresh challenge.</summary>
public static class HelloSignature
{
    public static byte[] Message(string researcherId, string nodeId, ReadOnlySpan<byte> challenge) =>
        new ContextBuilder("wire/hello").Add(researcherId).Add(nodeId).Add(challenge).ToArray();
}

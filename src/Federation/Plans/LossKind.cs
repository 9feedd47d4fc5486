namespace FedBioMed.Federation;

/// <summary>Training losses.</summary>
public enum LossKind
{
    /// <summary>Softmax cross-entropy on the class logits, averaged over the batch. JSON "cross-entropy".</summary>
    CrossEntropy,
}

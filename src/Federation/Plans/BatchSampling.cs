namespace FedBioMed.Federation;

/// <summary>How DP-SGD draws each step's batch from the node's training split.</summary>
public enum BatchSampling
{
    /// <summary>
    /// Each sample joins the batch independently with probability q = batchSize / N, so batch sizes vary (and may
    /// be 0). The sampling that the usual privacy accountants (moments / RDP, Mironov et al. 2019) analyse. JSON "poisson".
    /// </summary>
    Poisson,

    /// <summary>
    /// Batches of exactly batchSize samples from a secret shuffle, reshuffled when fewer than batchSize remain.
    /// Common in practice, but a Poisson accountant's bound is only a heuristic for it. JSON "fixed".
    /// </summary>
    Fixed,
}

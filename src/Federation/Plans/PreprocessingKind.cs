namespace FedBioMed.Federation;

/// <summary>What the node does to features before they reach the model.</summary>
public enum PreprocessingKind
{
    /// <summary>Features as loaded (images are already in [0, 1]). JSON "none".</summary>
    None,

    /// <summary>
    /// Per feature, subtract the mean and divide by the standard deviation, both computed on the node's own
    /// training split (a constant feature is only centred). The statistics never leave the node. JSON "standardize".
    /// </summary>
    Standardize,
}

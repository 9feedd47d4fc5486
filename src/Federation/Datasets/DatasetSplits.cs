namespace FedBioMed.Federation;

/// <summary>The three parts of a stratified split; <see cref="Validation"/> or <see cref="Test"/> may be empty.</summary>
public sealed record DatasetSplits(LabeledDataset Train, LabeledDataset Validation, LabeledDataset Test);

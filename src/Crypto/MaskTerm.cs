namespace FedBioMed.Crypto;

/// <summary>One mask stream applied by <see cref="MaskExpander"/>: added, or subtracted when <paramref name="Subtract"/> is set.</summary>
public readonly record struct MaskTerm(MaskPrg Prg, bool Subtract);

namespace FedBioMed.Federation;

/// <summary>How a CSV column is read.</summary>
public enum ColumnKind
{
    /// <summary>A real number (invariant culture, '.' decimal point); a feature column becomes one float.</summary>
    Numeric,

    /// <summary>A string category; a feature column becomes one-hot floats, one per category in ordinal order.</summary>
    Categorical,
}

namespace FedBioMed.Federation;

/// <summary>The model catalog. A node builds only these; a plan cannot carry code.</summary>
public enum ModelKind
{
    /// <summary>Multinomial logistic regression: flatten, then one linear layer to the class logits. JSON "logistic-regression".</summary>
    LogisticRegression,

    /// <summary>Flatten, then fully connected layers of <see cref="ModelSpec.HiddenSizes"/> with ReLU, then a linear output. JSON "mlp".</summary>
    Mlp,

    /// <summary>
    /// A small convolutional net for C×H×W images (sized for 1×28×28): conv 3×3 (8) – ReLU – max-pool 2 –
    /// conv 3×3 (16) – ReLU – max-pool 2 – linear to the class logits. JSON "cnn".
    /// </summary>
    Cnn,
}

namespace FedBioMed.Federation;

/// <summary>Local optimizers a plan may ask for.</summary>
public enum OptimizerKind
{
    /// <summary>Stochastic gradient descent with optional (heavy-ball) momentum. JSON "sgd".</summary>
    Sgd,

    /// <summary>Adam (Kingma and Ba, 2015) with PyTorch's default betas (0.9, 0.999) and eps 1e-8. JSON "adam".</summary>
    Adam,
}

using TorchSharp;

namespace NetDsl;

/// <summary>A module whose weights carry regularizers (every generated network and block implements it).</summary>
public interface IRegularizedModule
{
    /// <summary>The sum of all regularization terms of this module and its children, as a scalar tensor.</summary>
    torch.Tensor RegularizationLoss();
}

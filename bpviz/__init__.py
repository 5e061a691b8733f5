"""bpviz: a small, exact backpropagation engine and the figures that explain it.

The names used everywhere (layer l = 1..L, a^0 = x; W^l rows are the receiving neurons):

    z^l = W^l a^{l-1} + b^l          a^l = f_l(z^l)
    δ^l = dL/dz^l                    δ^{l-1} = ((W^l)ᵀ δ^l) ⊙ f'_{l-1}(z^{l-1})
    dL/dW^l = δ^l (a^{l-1})ᵀ         dL/db^l = δ^l

Code lists are 0-based: ``W[k]``, ``b[k]``, ``z[k]``, ``delta[k]``, ``grad_W[k]``
and ``grad_b[k]`` belong to layer k+1, and ``a[k]`` to layer k (``a[0]`` = x).
Nothing in this package imports Streamlit.
"""

from .backprop import Trace, backprop, batch_loss, sgd_step
from .datasets import Dataset, make_dataset, read_csv, split
from .errors import BpvizError
from .gradcheck import gradient_check
from .network import Network
from .presets import PRESETS, get_preset
from .spec import NetworkSpec
from .training import Progress, Trainer

__all__ = [
    "PRESETS",
    "BpvizError",
    "Dataset",
    "Network",
    "NetworkSpec",
    "Progress",
    "Trace",
    "Trainer",
    "backprop",
    "batch_loss",
    "get_preset",
    "gradient_check",
    "make_dataset",
    "read_csv",
    "sgd_step",
    "split",
]

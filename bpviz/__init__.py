"""bpviz: a small, exact backpropagation engine and the figures that explain it.

The names used everywhere (layer l = 1..L, a^0 = x; W^l rows are the receiving neurons):

    z^l = W^l a^{l-1} + b^l          a^l = f_l(z^l)
    δ^l = dL/dz^l                    δ^{l-1} = ((W^l)ᵀ δ^l) ⊙ f'_{l-1}(z^{l-1})
    dL/dW^l = δ^l (a^{l-1})ᵀ         dL/db^l = δ^l

Code lists are 0-based: ``W[k]``, ``b[k]``, ``z[k]``, ``delta[k]``, ``grad_W[k]``
and ``grad_b[k]`` belong to layer k+1, and ``a[k]`` to layer k (``a[0]`` = x).
Nothing in this package imports Streamlit.
"""

from bpviz.data.datasets import Dataset, make_dataset, read_csv, split
from bpviz.engine.backprop import Trace, backprop, batch_loss, sgd_step
from bpviz.engine.errors import BpvizError
from bpviz.engine.gradcheck import gradient_check
from bpviz.engine.network import Network
from bpviz.engine.spec import NetworkSpec
from bpviz.engine.training import Progress, Trainer
from bpviz.lesson.presets import PRESETS, get_preset

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

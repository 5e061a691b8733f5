"""bpviz: a small, exact backpropagation engine and the lessons and figures that explain it.

The packages, in the one direction their imports run (tests/test_project.py enforces it):

    engine     spec, activations, losses, initialisations, network, forward/backward trace, training, gradient check
    data       datasets (generators, CSV files, the catalog of built-in ones), samples
    chainrule  backprop on a small computational graph
    lesson     stages of one step, equations with numbers, names, selection, tables, presets, export
    runs       training runs advanced in ticks, comparisons, the work cap, tracked samples, reports
    design     the Design page's rules: edits of the architecture, imports, weight tables
    io         the network file, share links, typed text, the command line
    figures    Plotly figures of all of the above

The names table (z, a, δ, W, b and their code lists) is the engine's docstring: ``bpviz.engine``.
Nothing in this package imports Streamlit.
"""


from bpviz.data.catalog import make_dataset
from bpviz.data.csvfile import read_csv
from bpviz.data.datasets import split
from bpviz.engine.backprop import Trace, backprop, batch_loss, sgd_step
from bpviz.engine.dataset import Dataset
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

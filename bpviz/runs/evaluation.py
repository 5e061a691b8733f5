"""How a trained classifier does on a labelled set: the confusion matrix and a per-class report.

Predicted labels come from ``bpviz.training.predict_labels`` (one output thresholded at 0.5,
otherwise the largest output), the same rule the accuracy of every ``Progress`` report uses.
"""

import numpy as np
import pandas as pd
from sklearn.metrics import classification_report, confusion_matrix

from bpviz.engine.dataset import Dataset
from bpviz.engine.errors import BpvizError
from bpviz.engine.network import Network
from bpviz.engine.training import predict_labels


def _labels(net: Network, ds: Dataset) -> tuple[np.ndarray, np.ndarray]:
    """(true, predicted) labels of every row of ``ds``."""
    if not ds.is_classification:
        raise BpvizError("dataset", f"{ds.name!r} has no class labels")
    return ds.labels, predict_labels(net.forward(ds.X))


def confusion(net: Network, ds: Dataset) -> np.ndarray:
    """Counts C (k, k): C[i, j] = rows of true class i predicted as class j."""
    true, predicted = _labels(net, ds)
    return confusion_matrix(true, predicted, labels=np.arange(ds.n_classes))


def class_report(net: Network, ds: Dataset) -> pd.DataFrame:
    """scikit-learn's classification report as a table: precision, recall, F1 and support per class,
    then the macro and weighted averages (the overall accuracy is left to a metric of its own)."""
    true, predicted = _labels(net, ds)
    report = classification_report(
        true,
        predicted,
        labels=np.arange(ds.n_classes),
        target_names=[str(c) for c in ds.class_names],
        output_dict=True,
        zero_division=0,
    )
    report.pop("accuracy", None)
    table = pd.DataFrame(report).T
    table["support"] = table["support"].astype(int)
    table.index.name = "class"
    return table

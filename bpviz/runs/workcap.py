"""The work cap: how much training one request may ask of a shared server.

E epochs over N training samples of a network with P parameters cost W = E × N × P sample-parameter
updates (each forward and backward pass touches every parameter a fixed number of times per sample).
One request (a Start, a Resume or a whole comparison) may ask for at most ``MAX_WORK``; ``cap_epochs``
lowers the epochs to fit and says why.
"""

from bpviz.engine.errors import BpvizError

MAX_WORK = 1_000_000_000


def work(epochs: int, n_samples: int, n_params: int, runs: int = 1) -> int:
    """W = runs × epochs × samples × parameters."""
    return runs * epochs * n_samples * n_params


def cap_epochs(asked: int, n_samples: int, n_params: int, runs: int = 1, max_work: int = MAX_WORK,
               more: str = "Press Resume afterwards to train on"):  # fmt: skip
    """(epochs allowed, explanation or None): the most epochs ≤ ``asked`` with work ≤ ``max_work``; the
    explanation offers ``more`` (how to train further where it is read) before fewer samples or a smaller net.

    Raises BpvizError when not even one epoch fits.
    """
    per_epoch = work(1, n_samples, n_params, runs)
    allowed = max_work // per_epoch
    each = f"{n_samples:,} samples × {n_params:,} parameters" + (f" × {runs} rates" if runs > 1 else "")
    if allowed < 1:
        raise BpvizError(
            "epochs",
            f"one epoch is {each} = {per_epoch:.3g} updates, above this server's cap of {max_work:.3g}; "
            "use fewer samples or a smaller network",
        )
    if asked <= allowed:
        return asked, None
    return allowed, (
        f"Capped at {allowed:,} of the {asked:,} epochs asked for: one run may do at most {max_work:.3g} "
        f"updates (epochs × {each}), and {asked:,} epochs would be {work(asked, n_samples, n_params, runs):.3g}. "
        f"{more}, or use fewer samples or a smaller network."
    )

"""What a network spec amounts to, in words and formulas: its architecture, parameter counts,
the shapes of every W and b, and the forward pass and loss in general LaTeX form; and its training
settings in a line. The menu labels
and LaTeX of each activation and loss are their records' (``bpviz.engine.activations``, ``.losses``).

Shapes follow the engine: W^(l) is (n_l, n_{l-1}) (rows = the layer's own neurons) and
b^(l) is (n_l,), for l = 1..L. The equations are

    z^(l) = W^(l) a^(l-1) + b^(l),   a^(l) = f_l(z^(l)),   a^(0) = x,   ŷ = a^(L)

and the batch loss is the mean (or sum) over the B samples of the per-sample loss ℓ(y, ŷ).
"""

from dataclasses import dataclass

from bpviz.engine.activations import ACTIVATIONS
from bpviz.engine.losses import LOSSES
from bpviz.engine.spec import NetworkSpec
from bpviz.engine.training import TrainSettings


def architecture(spec: NetworkSpec) -> str:
    """Layer sizes joined by dashes, input first: "64-32-16-10"."""
    return "-".join(map(str, spec.layers))


@dataclass(frozen=True)
class ParameterCount:
    """Numbers of weights and biases; ``trainable`` leaves out frozen biases."""

    weights: int
    biases: int
    trainable: int

    @property
    def total(self) -> int:
        return self.weights + self.biases


def parameter_count(spec: NetworkSpec) -> ParameterCount:
    """Σ_l n_l·n_{l-1} weights and Σ_l n_l biases (0 when the bias mode is "none")."""
    weights = sum(r * c for r, c in spec.shapes)
    biases = 0 if spec.bias == "none" else sum(spec.layers[1:])
    return ParameterCount(weights, biases, weights + (biases if spec.bias == "learned" else 0))


def shape_rows(spec: NetworkSpec) -> list[dict]:
    """One row per layer l = 1..L: the layer, its activation, the shapes of W^(l) and b^(l), its parameters."""
    rows = []
    for l, (r, c) in enumerate(spec.shapes, start=1):
        has_bias = spec.bias != "none"
        rows.append(
            {
                "layer": f"{l} · {'output' if l == spec.depth else 'hidden'}",
                "activation": ACTIVATIONS[spec.activations[l - 1]].label,
                "W": f"{r} × {c}",
                "b": f"{r}" if has_bias else "—",
                "parameters": r * c + (r if has_bias else 0),
            }
        )
    return rows


def _input(l: int) -> str:
    return "x" if l == 1 else f"a^{{({l - 1})}}"


def forward_equations(spec: NetworkSpec) -> str:
    """The forward pass as one LaTeX ``aligned`` block, a row per layer:
    z^(l) = W^(l) a^(l-1) + b^(l) and a^(l) = f_l(z^(l)), with a^(0) written x and a^(L) = ŷ."""
    rows = []
    for l, name in enumerate(spec.activations, start=1):
        bias = "" if spec.bias == "none" else f" + b^{{({l})}}"
        z = f"z^{{({l})}}"
        f = ACTIVATIONS[name].symbol
        applied = z if not f else rf"{f}\big({z}\big)"
        out = rf"\hat y = a^{{({l})}}" if l == spec.depth else f"a^{{({l})}}"
        rows.append(rf"{z} &= W^{{({l})}}\,{_input(l)}{bias} & {out} &= {applied}")
    return r"\begin{aligned}" + r" \\ ".join(rows) + r"\end{aligned}"


def activation_definitions(spec: NetworkSpec) -> list[str]:
    """LaTeX definitions of the activations the network uses (each once, in layer order);
    tanh and the identity need none."""
    definitions = (ACTIVATIONS[name].definition for name in dict.fromkeys(spec.activations))
    return [d for d in definitions if d is not None]


def loss_equation(spec: NetworkSpec) -> str:
    """LaTeX of the batch loss: L = (1/B) Σ_n ℓ(y_n, ŷ_n) for "mean", Σ_n ℓ(y_n, ŷ_n) for "sum",
    and the per-sample ℓ from the loss registry (its a_j is the output a^(L)_j = ŷ_j)."""
    per_sample = LOSSES[spec.loss].latex.replace("a_j", r"\hat y_j")
    reduce = r"\frac{1}{B}\sum_{n=1}^{B}" if spec.reduction == "mean" else r"\sum_{n=1}^{B}"
    return rf"L = {reduce} \ell\big(y_n, \hat y_n\big), \qquad \ell(y, \hat y) = {per_sample}"


def training_summary(train: TrainSettings) -> str:
    """ "300 epochs, batch size 16, SGD with momentum (μ = 0.9), no regularisation"."""
    return f"{train.epochs:,} epochs, batch size {train.batch_size:,}, {train.optimiser.describe()}, " + (
        train.penalty.describe()
    )

"""The runnable export: the step as a NumPy script and a PyTorch script, each run in a subprocess, prints the
engine's own numbers (``backprop``, ``sgd_step``, ``batch_loss``): NumPy to 1e-12 relative, PyTorch float64 to
1e-9, for the presets and for random nets of every activation/loss pair the spec accepts, both reductions and
every bias mode. The PyTorch runs are skipped without torch, unless BPVIZ_REQUIRE_TORCH=1.

To keep the interpreter and torch start-ups few, the random cases of one library run in one subprocess that
runs each script in turn (``runpy``, as ``python script.py`` would), each printing to a file of its own."""

import ast
import itertools
import subprocess
import sys
import tokenize
from io import StringIO

import numpy as np
import pytest
from conftest import accepted_output_losses, require

from bpviz import BpvizError, Network, NetworkSpec, backprop, batch_loss, get_preset, make_dataset, sgd_step
from bpviz.data.samples import dataset_sample
from bpviz.engine.activations import ACTIVATIONS
from bpviz.engine.losses import LOSSES, REDUCTIONS
from bpviz.engine.spec import BIAS_MODES
from bpviz.lesson.presets import PRESETS
from bpviz.lesson.script_code import ACTIVATION_CODE, LOSS_CODE
from bpviz.lesson.scripts import SCRIPTS, numpy_script, script_file_name, unsupported
from bpviz.lesson.stages import walk

PAIRS = accepted_output_losses()
HIDDEN = [name for name, act in ACTIVATIONS.items() if not act.output_only]
TOLERANCE = {"numpy": (1e-12, 1e-15), "torch": (1e-9, 1e-12)}  # (relative, absolute near 0)
RUNNER = """\
import contextlib, runpy, sys
for path in sys.argv[1:]:
    with open(path + ".out", "w") as out, contextlib.redirect_stdout(out):
        runpy.run_path(path, run_name="__main__")
"""


def torch_or_skip() -> None:
    """Skip a PyTorch run when torch is missing, unless CI demands it (then the import fails the test)."""
    if require("BPVIZ_REQUIRE_TORCH"):
        import torch  # noqa: F401
    else:
        pytest.importorskip("torch")


# ---------------------------------------------------------------- the cases and the engine's numbers


def preset_case(key: str) -> tuple[Network, np.ndarray, np.ndarray]:
    """A preset's network and the first sample of its dataset, as the Step page opens it."""
    preset = get_preset(key)
    d = preset.data
    x, y, _ = dataset_sample(make_dataset(d.name, d.n, d.noise, 0, d.classes), 0)
    return preset.network(), x, y


def random_case(seed: int, output: str, loss: str, reduction: str, bias: str, batch: int = 1):
    """A net of 1 or 2 hidden layers of 1 to 4 neurons, its hidden activations taken in turn from the
    registry, random parameters, learning rate and sample (cross-entropy targets that need not sum to 1);
    ``batch`` > 1 makes x and y batches of that many rows."""
    rng = np.random.default_rng(seed)
    hidden = [HIDDEN[(seed + i) % len(HIDDEN)] for i in range(1 + seed % 2)]
    layers = (int(rng.integers(1, 5)), *rng.integers(1, 5, len(hidden)), 2 + seed % 2)
    lr = float(10.0 ** rng.uniform(-2, 0))
    spec = NetworkSpec(layers, (*hidden, output), loss, reduction, bias, "xavier", seed, lr)
    W = [rng.normal(0.0, 0.9, s) for s in spec.shapes]
    b = [rng.normal(0.0, 0.5, r) if bias != "none" else np.zeros(r) for r, _ in spec.shapes]
    rows, n_out = (batch,) if batch > 1 else (), layers[-1]
    if loss == "cross_entropy" and seed % 3 == 0:
        y = np.eye(n_out)[rng.integers(0, n_out, rows)]  # one-hot
    else:
        y = (
            rng.random((*rows, n_out))
            if loss in ("cross_entropy", "binary_cross_entropy")
            else rng.normal(size=(*rows, n_out))
        )
    return Network.from_arrays(spec, W, b), rng.normal(0.0, 1.0, (*rows, layers[0])), y


def random_cases() -> list:
    """One random case for each accepted (output activation, loss), reduction and bias mode; and a few batches
    of three, where a mean over the batch and a sum differ (the scripts' code is written for a batch, as the
    engine's is, and prints the first row of z, a and δ)."""
    combos = itertools.product(PAIRS, REDUCTIONS, BIAS_MODES)
    cases = [random_case(seed, *pair, reduction, bias) for seed, (pair, reduction, bias) in enumerate(combos)]
    batches = [("softmax", "cross_entropy", "mean", "learned"), ("sigmoid", "binary_cross_entropy", "sum", "frozen"),
               ("linear", "mse", "mean", "none"), ("relu", "half_sse", "sum", "learned")]  # fmt: skip
    return cases + [random_case(seed, *combo, batch=3) for seed, combo in enumerate(batches)]


def engine_numbers(net: Network, x, y) -> dict[str, np.ndarray]:
    """Every quantity the scripts print, by its printed name, from the engine itself."""
    t = backprop(net, x, y)
    updated = sgd_step(net, t.grad_W, t.grad_b)
    out = {"a[0]": t.a[0][0], "loss": t.loss, "loss_after": batch_loss(updated, t.x, t.y)}
    for l in range(1, net.spec.depth + 1):
        k = l - 1
        out |= {f"z[{l}]": t.z[k][0], f"a[{l}]": t.a[l][0], f"delta[{l}]": t.delta[k][0]}
        out |= {f"dL/dW[{l}]": t.grad_W[k], f"W_new[{l}]": updated.W[k]}
        if net.spec.bias != "none":
            out |= {f"dL/db[{l}]": t.grad_b[k], f"b_new[{l}]": updated.b[k]}
    return out


# ---------------------------------------------------------------- running and reading the scripts


def parse(text: str) -> dict[str, object]:
    """The printed lines "name = value" as {name: value}, each value read back with ast.literal_eval."""
    out = {}
    for line in text.splitlines():
        name, sep, value = line.partition(" = ")
        assert sep and name not in out, f"not one new 'name = value' line: {line!r}"
        out[name] = ast.literal_eval(value)
    return out


def agree(printed: dict, expected: dict, library: str, case: str) -> None:
    """Every printed quantity equals the engine's within the library's tolerance; none is missing or extra."""
    assert set(printed) == set(expected), f"{case}: printed {sorted(printed)}, expected {sorted(expected)}"
    rtol, atol = TOLERANCE[library]
    for name, value in printed.items():  # in the order printed
        got, want = np.asarray(value, dtype=float), np.asarray(expected[name], dtype=float)
        assert got.shape == want.shape, f"{case} {name}: shape {got.shape}, engine {want.shape}"
        if not np.allclose(got, want, rtol=rtol, atol=atol):
            worst = tuple(int(i) for i in np.unravel_index(np.argmax(np.abs(got - want)), want.shape))
            raise AssertionError(
                f"{case} {name} differs at {list(worst)}: {library} {float(got[worst])!r}, engine "
                f"{float(want[worst])!r}\nprinted {got.tolist()}\nengine  {want.tolist()}"
            )


def run_all(library: str, cases: list, tmp_path, texts: list[str] | None = None) -> list[dict]:
    """Write each case's script (or the given ``texts``) and run them all in one subprocess; their outputs."""
    texts = texts or [SCRIPTS[library](walk(*case)) for case in cases]
    paths = []
    for i, text in enumerate(texts):
        paths.append(tmp_path / f"case{i}-{library}.py")
        paths[-1].write_text(text)
    done = subprocess.run([sys.executable, "-c", RUNNER, *map(str, paths)], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return [parse(p.with_suffix(".py.out").read_text()) for p in paths]


def run_alone(text: str, name: str, tmp_path) -> dict:
    """Save ``text`` as ``name`` and run it as its docstring says: python <name>."""
    (tmp_path / name).write_text(text)
    done = subprocess.run([sys.executable, name], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return parse(done.stdout)


def check_library(library: str, tmp_path) -> None:
    """The worked example's script run alone as its docstring says; every other preset and the random cases in
    one run: each prints the engine's numbers."""
    net, x, y = preset_case("worked")
    printed = run_alone(SCRIPTS[library](walk(net, x, y)), script_file_name(net.spec, library), tmp_path)
    agree(printed, engine_numbers(net, x, y), library, "worked")
    cases = [preset_case(key) for key in PRESETS if key != "worked"] + random_cases()
    for case, printed in zip(cases, run_all(library, cases, tmp_path), strict=True):
        spec = case[0].spec
        agree(printed, engine_numbers(*case), library, f"{spec.layers} {spec.activations} {spec.loss} "
              f"{spec.reduction} {spec.bias}")  # fmt: skip


# ---------------------------------------------------------------- the tests


def test_numpy_scripts_print_the_engines_numbers(tmp_path):
    check_library("numpy", tmp_path)


def test_torch_scripts_print_the_engines_numbers(tmp_path):
    torch_or_skip()
    check_library("torch", tmp_path)


def test_the_comparison_can_fail(tmp_path):
    """A script whose learning rate is off by one part in a million prints the same step but other new weights, and
    the comparison names the first one."""
    net, x, y = random_case(3, "sigmoid", "binary_cross_entropy", "mean", "learned")
    text = numpy_script(walk(net, x, y))
    rate = f"LEARNING_RATE = {net.spec.learning_rate!r}\n"
    assert text.count(rate) == 1
    slower = f"LEARNING_RATE = {net.spec.learning_rate * (1 + 1e-6)!r}\n"
    (printed,) = run_all("numpy", [], tmp_path, [text.replace(rate, slower)])
    expected = engine_numbers(net, x, y)
    before = [k for k in expected if "new" not in k and k != "loss_after"]
    agree({k: printed[k] for k in before}, {k: expected[k] for k in before}, "numpy", "before the update")
    with pytest.raises(
        AssertionError, match=r"tampered W_new\[1\] differs at \[\d, \d\]: numpy [-.\de]+, engine [-.\de]+\n"
    ):
        agree(printed, expected, "numpy", "tampered")


def test_every_activation_and_loss_of_the_registries_has_script_code():
    assert set(ACTIVATION_CODE) == set(ACTIVATIONS)
    assert set(LOSS_CODE) == set(LOSSES)
    for name, code in LOSS_CODE.items():  # a fused loss gives δ itself, any other dL/da
        assert (code.numpy_delta is not None) == (LOSSES[name].fused is not None) == (code.numpy_grad is None)


def test_an_activation_without_script_code_is_refused_by_name(softplus):
    spec = NetworkSpec((2, 3, 1), ("softplus", "sigmoid"))
    assert unsupported(spec) == "No script code for softplus."
    assert unsupported(spec.replace(activations=("tanh", "sigmoid"))) is None
    w = walk(Network.initialise(spec), [0.5, -0.5], [1.0])
    for write in SCRIPTS.values():
        with pytest.raises(BpvizError, match="softplus"):
            write(w)


def masked(text: str) -> list[tuple[int, str]]:
    """The script's tokens with every number masked and every minus sign left out (a number's sign)."""
    tokens = tokenize.generate_tokens(StringIO(text).readline)
    return [(t.type, "N" if t.type == tokenize.NUMBER else t.string) for t in tokens if t.string != "-"]


@pytest.mark.parametrize("library", SCRIPTS)
def test_only_the_numbers_depend_on_the_networks_parameters_and_sample(library):
    """Two nets of one spec with other weights, biases and samples give scripts that differ in numbers only:
    nothing but numbers (and the spec's registry names and sizes) reaches a script."""
    net, x, y = random_case(5, "softmax", "cross_entropy", "sum", "learned")
    other = Network.from_arrays(net.spec, [-2 * w for w in net.W], [b + 1 for b in net.b])
    first, second = SCRIPTS[library](walk(net, x, y)), SCRIPTS[library](walk(other, -x, y[::-1]))
    assert first != second and masked(first) == masked(second)


def test_the_docstring_says_what_the_script_is_and_how_to_run_it():
    net, x, y = preset_case("worked")
    for library, title in (("numpy", "NumPy"), ("torch", "PyTorch")):
        doc = ast.get_docstring(ast.parse(SCRIPTS[library](walk(net, x, y))))
        assert doc.startswith(f"One step of backpropagation exported from bpviz, as a {title} script.")
        assert "The bpviz network 2-2-2: activations sigmoid, sigmoid" in doc
        assert f"python bpviz-step-2-2-2-{library}.py" in doc and "dL/dW[l]" in doc

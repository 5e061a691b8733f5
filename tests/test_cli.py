"""``python -m bpviz`` as a user runs it (a subprocess in the repository root): preset, step and train print
what they promise, and every bad input exits 2 with exactly one line on stderr and no traceback."""

import json
import subprocess
import sys

import numpy as np
import pytest
from conftest import ROOT

from bpviz import Trainer, backprop, batch_loss, get_preset, make_dataset, sgd_step
from bpviz.engine import optimisers
from bpviz.engine.optimisers import Optimiser, Penalty
from bpviz.io import netfile
from bpviz.io.cli import main

STEP_KEYS = {"z", "a", "loss", "delta", "grad_W", "grad_b", "weights_after", "biases_after", "loss_after", "penalty",
             "penalty_after", "optimiser_state"}  # fmt: skip


def command(*args) -> list[str]:
    return [sys.executable, "-m", "bpviz", *map(str, args)]


def run(*args) -> subprocess.CompletedProcess:
    return subprocess.run(command(*args), cwd=ROOT, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("cli")
    xor = netfile.to_dict(get_preset("xor").network())
    paths = {
        "worked": d / "worked.json",
        "xor": d / "xor.json",
        "not_json": d / "not_json.json",
        "nan": d / "nan.json",
        "shapes": d / "shapes.json",
        "activation": d / "activation.json",
        "binary": d / "binary.json",
        "bad_csv": d / "bad.csv",
        "csv": d / "three_classes.csv",
        "dir": d,
    }
    paths["worked"].write_text(netfile.dumps(get_preset("worked").network()))
    paths["xor"].write_text(json.dumps(xor))
    paths["not_json"].write_text("{this is not json")
    paths["nan"].write_text(json.dumps(xor).replace('"learning_rate": 0.5', '"learning_rate": NaN'))
    paths["shapes"].write_text(json.dumps({**xor, "weights": [[[1.0, 2.0]], [[1.0]]]}))
    paths["activation"].write_text(json.dumps({**xor, "activations": ["sigmoid", "swish"]}))
    paths["binary"].write_bytes(bytes(range(256)) * 8)
    paths["bad_csv"].write_text("x1,x2,label\n1,2,a\n3,four,b\n")
    rng = np.random.default_rng(0)
    rows = "".join(f"{x:.4f},{y:.4f},{'abc'[k]}\n" for k in range(3) for x, y in rng.normal(2 * k, 0.3, (20, 2)))
    paths["csv"].write_text("x1,x2,label\n" + rows)
    return paths


# ---------------------------------------------------------------- what the commands print


def test_preset_prints_a_network_file():
    out = run("preset", "worked")
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""
    net = netfile.loads(out.stdout)
    expected = get_preset("worked").network()
    assert net.spec == expected.spec
    assert all(np.array_equal(p, q) for p, q in zip((*net.W, *net.b), (*expected.W, *expected.b)))


def test_step_prints_the_worked_example(files):
    out = run("step", files["worked"], "--x", "0.05,0.10", "--y", "0.01,0.99")
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""
    (line,) = out.stdout.splitlines()
    result = json.loads(line)
    assert set(result) == STEP_KEYS
    # the published numbers of the 2-2-2 worked example
    assert result["loss"] == pytest.approx(0.298371109, abs=1e-9)
    assert result["a"][2][0] == pytest.approx([0.75136507, 0.772928465], abs=1e-8)
    assert result["grad_W"][1][0][0] == pytest.approx(0.082167041, abs=1e-9)
    assert result["weights_after"][1][0][0] == pytest.approx(0.35891648, abs=1e-8)
    assert result["weights_after"][0][0][0] == pytest.approx(0.149780716, abs=1e-9)
    assert result["biases_after"] == [[0.35, 0.35], [0.6, 0.6]]
    assert result["loss_after"] < result["loss"]


def test_step_with_a_batch_and_negative_values(files):
    out = run("step", files["xor"], "--x=-1,0.5", "--x", "0.25,1", "--x=-0.5,-2", "--y", "1", "--y=0", "--y", "1")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    net = netfile.loads(files["xor"].read_text())
    x, y = [[-1, 0.5], [0.25, 1], [-0.5, -2]], [[1], [0], [1]]
    t = backprop(net, x, y)
    after = sgd_step(net, t.grad_W, t.grad_b)
    assert result["a"][0] == x
    expected = {
        "z": t.z,
        "a": t.a,
        "delta": t.delta,
        "grad_W": t.grad_W,
        "grad_b": t.grad_b,
        "weights_after": after.W,
        "biases_after": after.b,
    }
    for key, arrays in expected.items():
        assert result[key] == [a.tolist() for a in arrays], key  # JSON floats round-trip exactly
    assert result["loss"] == t.loss and result["loss_after"] == batch_loss(after, x, y)
    assert np.shape(result["z"][0]) == (3, 2)
    assert result["optimiser_state"] == {"t": 1} and result["penalty"] == 0


def test_step_with_adam_and_l2_prints_the_state_after_the_step(files):
    """``--optimizer adam --l2 λ``: the step of ``optimisers.step``, and m, v in the parameters' shapes."""
    out = run("step", files["worked"], "--x", "0.05,0.10", "--y", "0.01,0.99", "--optimizer", "adam", "--beta1",
              "0.8", "--l2", "0.001")  # fmt: skip
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    net = netfile.loads(files["worked"].read_text())
    t = backprop(net, [0.05, 0.10], [0.01, 0.99])
    after, state = optimisers.step(net, t.grad_W, t.grad_b, None, Optimiser("adam", beta1=0.8), None,
                                   Penalty("l2", 0.001))  # fmt: skip
    assert result["weights_after"] == [w.tolist() for w in after.W]
    m = result["optimiser_state"]["m"]
    assert result["optimiser_state"]["t"] == 1 and set(result["optimiser_state"]) == {"t", "m", "v"}
    assert m["W"][1][0][0] == pytest.approx(0.2 * (t.grad_W[1][0, 0] + 0.001 * net.W[1][0, 0]), rel=1e-12)
    assert m["b"] == [[0.0, 0.0], [0.0, 0.0]]  # the worked example's biases are frozen
    assert state.buffers["m"][0] == m["W"][0][0][0]
    assert result["penalty"] == pytest.approx(0.0005 * sum(float(np.sum(w * w)) for w in net.W), rel=1e-12)


def test_train_with_an_optimiser_and_a_penalty_trains_as_the_trainer_does(files):
    out = run("train", files["xor"], "--data", "xor", "--epochs", "20", "--optimiser", "rmsprop", "--rho", "0.9",
              "--l1", "0.001", "--lr", "0.01")  # fmt: skip
    assert out.returncode == 0, out.stderr
    final = json.loads(out.stdout.splitlines()[-1])
    net = netfile.loads(files["xor"].read_text())
    ds = make_dataset("xor", n=4, noise=0.0, seed=net.spec.seed)
    trainer = Trainer(net, ds, None, 1, 0.01, Optimiser("rmsprop", rho=0.9), Penalty("l1", 0.001))
    *_, last = trainer.run(20)
    assert final["train_loss"] == last.train_loss


def test_train_prints_progress_and_a_final_json_line(files, tmp_path):
    out_file = tmp_path / "trained.json"
    out = run("train", files["xor"], "--data", "xor", "--epochs", 300, "--out", out_file)  # the 4 points, all trained
    assert out.returncode == 0, out.stderr
    *progress, last = out.stdout.splitlines()
    assert len(progress) == 10 and all(line.startswith("epoch") for line in progress)
    assert progress[-1].split()[:2] == ["epoch", "300"]
    final = json.loads(last)
    assert set(final) == {"epochs", "train_loss", "test_loss", "train_accuracy", "test_accuracy"}
    assert final["epochs"] == 300 and final["test_loss"] is None
    trained = netfile.loads(out_file.read_text())
    xor = get_preset("xor")
    assert trained.spec == xor.spec
    X = [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert final["train_loss"] == batch_loss(trained, X, [[0], [1], [1], [0]])
    assert final["train_loss"] < batch_loss(xor.network(), X, [[0], [1], [1], [0]])


def test_train_honours_the_pages_work_cap_or_a_max_work_given(files):
    out = run("train", files["xor"], "--data", "xor", "--epochs", 100_000, "--max-work", 1_000_000)
    assert out.returncode == 0, out.stderr
    allowed = 1_000_000 // (4 * 9)  # the 4 points × the 9 parameters of 2-2-1
    assert out.stderr.startswith(f"note: Capped at {allowed:,} of the 100,000 epochs asked for")
    assert "Pass a larger --max-work" in out.stderr and len(out.stderr.splitlines()) == 1
    assert json.loads(out.stdout.splitlines()[-1])["epochs"] == allowed
    out = run("train", files["xor"], "--data", "xor", "--epochs", 10, "--max-work", 10)  # not even one epoch
    assert out.returncode == 2 and out.stderr.startswith("error: epochs: one epoch is 4 samples × 9 parameters")


def test_a_long_run_prints_progress_every_few_seconds(files, capsys):
    """With a clock that moves PROGRESS_SECONDS a reading, every report is printed, not only every tenth."""
    from bpviz.io import cli

    class Clock:
        now = 0.0

        def __call__(self):
            self.now += cli.PROGRESS_SECONDS
            return self.now

    args = cli.build_parser().parse_args(["train", str(files["xor"]), "--data", "xor", "--epochs", "300"])
    cli.cmd_train(args, clock=Clock())
    lines = capsys.readouterr().out.splitlines()[:-1]
    assert len(lines) == 100 and lines[0].split()[:2] == ["epoch", "3"]  # a report every 3 epochs, each printed
    cli.cmd_train(args)  # the real clock, a run of milliseconds: a line at every tenth
    assert len(capsys.readouterr().out.splitlines()[:-1]) == 10


def test_train_settings_given_override_the_datasets_own(files):
    out = run("train", files["xor"], "--data", "xor", "--n", 40, "--noise", 0.1, "--test-fraction", 0.25,
              "--epochs", 1)  # fmt: skip
    assert out.returncode == 0, out.stderr
    final = json.loads(out.stdout.splitlines()[-1])
    assert final["test_loss"] is not None
    assert round(final["test_accuracy"] * 10, 9).is_integer()  # 10 test samples: 25 % of 40


def test_train_on_a_csv_file(files, tmp_path):
    spec = netfile.to_dict(get_preset("xor").network(), with_weights=False)
    spec.update(layers=[2, 6, 3], activations=["tanh", "softmax"], loss="cross_entropy", reduction="mean")
    (tmp_path / "net.json").write_text(json.dumps(spec))
    out = run("train", tmp_path / "net.json", "--data", files["csv"], "--epochs", 20, "--batch-size", 4)
    assert out.returncode == 0, out.stderr
    *progress, last = out.stdout.splitlines()
    final = json.loads(last)
    assert final["epochs"] == 20
    assert 0 <= final["train_accuracy"] <= 1 and 0 <= final["test_accuracy"] <= 1
    first_loss = float(progress[0].split("train loss")[1].split()[0])
    assert final["train_loss"] < first_loss


# ---------------------------------------------------------------- every bad input: exit 2, one line


# Each runs as its own process (all at once; cases that would load scikit-learn are avoided to keep it
# quick); together they cover every kind of input: arguments, the network file, the sample values, the
# dataset, the training settings, training itself, and the output.
BAD = {
    "no arguments": [],
    "missing file": ["step", "{dir}/missing.json", "--x", "1,2", "--y", "1"],
    "malformed JSON": ["step", "{not_json}", "--x", "1,2", "--y", "1"],
    "binary file": ["step", "{binary}", "--x", "1,2", "--y", "1"],
    "NaN in the file": ["step", "{nan}", "--x", "1,2", "--y", "1"],
    "wrong weight shapes": ["step", "{shapes}", "--x", "1,2", "--y", "1"],
    "too many inputs": ["step", "{xor}", "--x", "1,2,3", "--y", "1"],
    "more x than y": ["step", "{xor}", "--x", "1,2", "--x", "3,4", "--y", "1"],
    "unknown dataset": ["train", "{xor}", "--data", "mnist"],
    "mismatched feature count": ["train", "{xor}", "--data", "sine"],
    "bad CSV": ["train", "{xor}", "--data", "{bad_csv}"],
    "zero epochs": ["train", "{xor}", "--data", "xor", "--epochs", "0"],
    "divergence": ["train", "{xor}", "--data", "xor", "--test-fraction", "0", "--lr", "1e6", "--epochs", "20"],
    "output into a missing directory": ["train", "{xor}", "--data", "xor", "--epochs", "1", "--out", "{dir}/no/x.json"],
}

# The same promise for many more inputs, checked in-process through main() (an escaping exception fails).
MORE_BAD = {
    "unknown command": ["fly"],
    "step without arguments": ["step"],
    "a directory": ["step", "{dir}", "--x", "1,2", "--y", "1"],
    "unknown activation": ["step", "{activation}", "--x", "1,2", "--y", "1"],
    "too many targets": ["step", "{xor}", "--x", "1,2", "--y", "1,0"],
    "non-numeric input": ["step", "{xor}", "--x", "one,two", "--y", "1"],
    "empty input": ["step", "{xor}", "--x=", "--y", "1"],
    "NaN input": ["step", "{xor}", "--x", "nan,1", "--y", "1"],
    "infinite target": ["step", "{xor}", "--x", "1,2", "--y", "inf"],
    "unknown preset": ["preset", "lenet"],
    "classes that do not fit the outputs": ["train", "{xor}", "--data", "{csv}"],
    "64 features for 2 inputs": ["train", "{xor}", "--data", "digits"],
    "missing CSV": ["train", "{xor}", "--data", "{dir}/missing.csv"],
    "non-integer epochs": ["train", "{xor}", "--data", "xor", "--epochs", "ten"],
    "zero batch size": ["train", "{xor}", "--data", "xor", "--batch-size", "0"],
    "negative rate": ["train", "{xor}", "--data", "xor", "--lr", "-0.1"],
    "momentum of 1": ["train", "{xor}", "--data", "xor", "--momentum", "1"],
    "test fraction of 1": ["train", "{xor}", "--data", "xor", "--test-fraction", "1"],
    "NaN noise": ["train", "{xor}", "--data", "xor", "--noise", "nan"],
    "zero samples": ["train", "{xor}", "--data", "xor", "--n", "0"],
}


def filled(args: list[str], files) -> list[str]:
    names = {k: str(v) for k, v in files.items()}
    return [a.format(**names) for a in args]


@pytest.fixture(scope="module")
def bad_runs(files):
    """Every case of BAD at once (independent processes), then their (code, stdout, stderr)."""
    procs = {
        case: subprocess.Popen(
            command(*filled(args, files)), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for case, args in BAD.items()
    }
    results = {}
    for case, proc in procs.items():
        out, err = proc.communicate(timeout=300)
        results[case] = (proc.returncode, out, err)
    return results


def assert_one_error_line(code: int, out: str, err: str) -> None:
    assert code == 2, (code, out, err)
    assert "Traceback" not in err and "Traceback" not in out
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and len(lines[0]) > len("error: "), err


@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_exits_2_with_one_line(case, bad_runs):
    assert_one_error_line(*bad_runs[case])


@pytest.mark.parametrize("case", list(MORE_BAD))
def test_more_bad_input_exits_2_with_one_line(case, files, capsys):
    code = main(filled(MORE_BAD[case], files))
    out, err = capsys.readouterr()
    assert_one_error_line(code, out, err)


def test_divergence_is_reported_with_its_epoch(bad_runs):
    _, _, err = bad_runs["divergence"]
    assert "diverged at epoch" in err and "lower rate" in err

"""``python -m bpviz``: step, train and preset from the command line.

Every bad input exits with status 2 and one line on stderr; no traceback. What a command prints is finite
numbers only: a result that is not a finite number (huge weights or inputs overflow float64) is a bad input
too, and its line names the first such quantity, where it is and what it came from
("error: z: layer 2, neuron 1 is inf: …"); NumPy's own warnings are never printed.
"""

import argparse
import json
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from bpviz.data.catalog import DATA_DEFAULTS, DATASETS, MAX_DRAW, DataSettings, current_name, make_dataset
from bpviz.data.csvfile import read_csv
from bpviz.data.datasets import split
from bpviz.data.features import FEATURES
from bpviz.engine.backprop import backprop, batch_loss
from bpviz.engine.dataset import Dataset
from bpviz.engine.errors import BpvizError
from bpviz.engine.finite import check_step
from bpviz.engine.network import QUIET, packed
from bpviz.engine.optimisers import HYPERS, PENALTIES, RULES, Optimiser, Penalty, State, step
from bpviz.engine.training import MAX_EPOCHS, Trainer, TrainSettings
from bpviz.io import netfile
from bpviz.lesson.presets import get_preset
from bpviz.runs.workcap import MAX_WORK, cap_epochs

PROGRESS_SECONDS = 5.0  # a long run prints a line at least this often


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise BpvizError("usage", message)


def _numbers(text: str, field: str) -> list[float]:
    try:
        values = [float(v) for v in text.split(",")]
    except ValueError:
        raise BpvizError(field, f"{text!r} is not a comma-separated list of numbers") from None
    if not all(np.isfinite(values)):
        raise BpvizError(field, f"{text!r} holds a NaN or infinite value")
    return values


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise BpvizError("file", f"cannot read {path}: {getattr(err, 'strerror', None) or err}") from None


def _lists(arrays) -> list:
    return [np.asarray(a).tolist() for a in arrays]


def _print_json(values: dict) -> None:
    """One JSON line; ``allow_nan=False`` makes sure a NaN or infinity the checks missed is an error, not output."""
    try:
        print(json.dumps(values, allow_nan=False))
    except ValueError:
        raise BpvizError("result", "a number of the result is not finite") from None


def _writable(path: str) -> Path:
    """``path`` as a file the command can write, checked before any work is done."""
    out = Path(path)
    folder = out.parent
    if out.is_dir():
        raise BpvizError("out", f"cannot write {path}: it is a folder")
    if not folder.is_dir():
        raise BpvizError("out", f"cannot write {path}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
        raise BpvizError("out", f"cannot write {path}: permission denied")
    return out


def cmd_step(args) -> None:
    doc = netfile.read(_read(args.net))
    net = doc.net
    x = [_numbers(v, "x") for v in args.x]
    y = [_numbers(v, "y") for v in args.y]
    if len(x) != len(y):
        raise BpvizError("y", f"{len(x)} --x but {len(y)} --y; give one --y per --x")
    settings = _training(args, doc.train or TrainSettings())
    optimiser, penalty = settings.optimiser, settings.penalty
    t = backprop(net, x, y)
    after, state = step(net, t.grad_W, t.grad_b, optimiser=optimiser, penalty=penalty)
    loss_after = batch_loss(after, x, y)
    check_step(net, t, after, loss_after)
    _print_json(
        {
            "z": _lists(t.z),
            "a": _lists(t.a),
            "loss": t.loss,
            "delta": _lists(t.delta),
            "grad_W": _lists(t.grad_W),
            "grad_b": _lists(t.grad_b),
            "weights_after": _lists(after.W),
            "biases_after": _lists(after.b),
            "loss_after": loss_after,
            "penalty": penalty.value(net.W),
            "penalty_after": penalty.value(after.W),
            "optimiser_state": _state(net, state),
        }
    )


def _state(net, state: State) -> dict:
    """The optimiser's state as JSON: the step count t and each buffer in the parameters' shapes ("W" per layer,
    then "b" per layer; entries of parameters the step leaves alone, such as frozen biases, are 0)."""
    out = {"t": state.t}
    for name, buffer in state.buffers.items():
        full = np.zeros(net.flat().size)
        full[: buffer.size] = buffer
        W, b = packed(net.spec, full)
        out[name] = {"W": _lists(W), "b": _lists(b)}
    return out


def _training(args, base: TrainSettings) -> TrainSettings:
    """The training settings of the command line over ``base`` (the network file's, else the defaults): each
    option given replaces its setting; ``--momentum`` with no optimiser turns plain SGD into SGD with momentum."""
    opt = base.optimiser
    name = args.optimiser or ("momentum" if args.momentum and opt.name == "sgd" else opt.name)
    hypers = {h: v for h in HYPERS if (v := getattr(args, h)) is not None}
    if args.l1 is not None and args.l2 is not None:
        raise BpvizError("regularisation", "give --l1 or --l2, not both")
    kind = "l1" if args.l1 is not None else "l2" if args.l2 is not None else None
    given = {k: v for k in ("epochs", "batch_size") if (v := getattr(args, k, None)) is not None}
    return replace(
        base,
        **given,
        optimiser=replace(opt, name=name, **hypers),
        penalty=Penalty(kind, getattr(args, kind)) if kind else base.penalty,
    )


def _dataset(args, doc: netfile.Document) -> tuple[str, DataSettings, Dataset]:
    """(name, settings, dataset) of ``--data`` (a built-in dataset or a CSV path), else of the dataset the file
    carries; ``--n``, ``--noise``, ``--classes``, ``--test-fraction``, ``--features`` and ``--draw`` replace its
    settings."""
    name = current_name(args.data) if args.data else (doc.data.name if doc.data is not None else None)
    if name is None:
        raise BpvizError("data", "give --data: this network file carries no dataset")
    knobs = ("n", "noise", "classes", "test_fraction", "features", "draw")
    given = {k: v for k in knobs if (v := getattr(args, k)) is not None}
    carried = doc.data is not None and doc.data.name == name
    data = replace(doc.data if carried else DATA_DEFAULTS.get(name, DATA_DEFAULTS["csv"]), **given)  # validated
    if name in DATASETS:
        seed = data.seed_for(doc.net.spec.seed)
        return name, data, make_dataset(name, data.n, data.noise, seed, data.classes, data.features)
    if name.endswith(".csv") or Path(name).is_file():
        return name, data, read_csv(_read(name), name)
    raise BpvizError("data", f"{name!r} is neither a dataset ({', '.join(DATASETS)}) nor a CSV file")


def cmd_train(args, clock=time.monotonic) -> None:
    """Train as the Train page does, under the same work cap (``--max-work`` to change it); a progress line at
    every tenth of the epochs and, on a long run, at least every PROGRESS_SECONDS of ``clock``."""
    out = _writable(args.out) if args.out else None
    doc = netfile.read(_read(args.net))
    net, settings = doc.net, _training(args, doc.train or TrainSettings())
    if args.lr is not None:  # the rate trained with is the one the trained file keeps
        net = net.with_spec(net.spec.replace(learning_rate=args.lr))
    name, data, ds = _dataset(args, doc)
    if ds.X.shape[1] != net.spec.layers[0]:
        raise BpvizError("data", f"{ds.X.shape[1]} features but the network has {net.spec.layers[0]} inputs")
    train_set, test_set = split(ds, data.test_fraction, data.seed_for(net.spec.seed))
    epochs, why = cap_epochs(settings.epochs, len(train_set), net.spec.n_params, max_work=args.max_work,
                             more="Pass a larger --max-work to train on")  # fmt: skip
    if why is not None:
        print(f"note: {why}", file=sys.stderr)
    trainer = Trainer(net, train_set, test_set, settings.batch_size, None, settings.optimiser, settings.penalty)
    shown, printed_at = 0, clock()
    for last in trainer.run(epochs, max(1, epochs // 100)):
        if last.diverged:
            raise BpvizError(
                "learning_rate", f"training diverged at epoch {last.epoch}: {last.diverged}; try a lower rate"
            )
        tenth = 10 * last.epoch // epochs
        if tenth > shown or clock() - printed_at >= PROGRESS_SECONDS:  # every 10 %, and on a long run every few s
            shown, printed_at = tenth, clock()
            acc = "" if last.train_accuracy is None else f"  train acc {last.train_accuracy:.4f}"
            test = "" if last.test_loss is None else f"  test loss {last.test_loss:.6g}"
            print(f"epoch {last.epoch:>6}  train loss {last.train_loss:.6g}{test}{acc}", flush=True)
    if out is not None:
        try:
            saved = data if name in DATASETS else None
            out.write_text(netfile.dumps(trainer.net, train=settings, data=saved), encoding="utf-8")
        except OSError as err:
            raise BpvizError("out", f"cannot write {args.out}: {err.strerror or err}") from None
    final = trainer.report()
    _print_json(
        {
            "epochs": final.epoch,
            "train_loss": final.train_loss,
            "test_loss": final.test_loss,
            "train_accuracy": final.train_accuracy,
            "test_accuracy": final.test_accuracy,
        }
    )


def cmd_preset(args) -> None:
    preset = get_preset(args.name)
    print(netfile.dumps(preset.network(), train=preset.train, data=preset.data))


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m bpviz", description="Backprop Playground engine on the command line.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    one = sub.add_parser("step", help="one forward/backward pass and one optimiser step; prints JSON")
    one.add_argument("net")
    one.add_argument("--x", action="append", required=True, help="inputs of one sample, e.g. 0.05,0.10 (repeatable)")
    one.add_argument("--y", action="append", required=True, help="targets of one sample (repeatable)")
    _training_options(one)
    one.set_defaults(run=cmd_step)
    train = sub.add_parser("train", help="train on a dataset or CSV; prints progress and a final JSON line")
    train.add_argument("net")
    train.add_argument("--data", help=f"one of {', '.join(DATASETS)}, or a CSV path (default: the file's dataset)")
    train.add_argument("--epochs", type=int, help="default: the file's training settings, else 100")
    train.add_argument("--batch-size", type=int, help="default: the file's training settings, else 1")
    own = "default: the dataset's own, as on the Design page"
    train.add_argument("--test-fraction", type=float, help=f"share held out for testing ({own}; 0.2 for a CSV)")
    train.add_argument("--lr", type=float, default=None, help="learning rate (default: the file's)")
    _training_options(train)
    train.add_argument("--n", type=int, help=f"samples of a generated dataset ({own}: 4 for xor, and, or)")
    train.add_argument("--noise", type=float, help=f"noise of a generated dataset ({own}: 0 for xor, and, or)")
    train.add_argument("--classes", type=int, help=f"classes of spiral and gaussians ({own})")
    train.add_argument("--features", type=lambda text: tuple(text.split(",")), help="input features of the 2-D "
                       f"datasets' points, comma-separated, one input each: {', '.join(FEATURES)} (default: x1,x2)")
    train.add_argument("--draw", type=int, help=f"which sample of a generated dataset, 0 to {MAX_DRAW}: the data and "
                       "its split are drawn from the network's seed mixed with it (default: the file's, else 0)")
    train.add_argument("--out", help="write the trained network file here")
    train.add_argument("--max-work", type=int, default=MAX_WORK, help="most epochs × samples × parameters one run "
                       f"may do (default: the page's cap, {MAX_WORK:.0e}); fewer epochs run above it, with a note")
    train.set_defaults(run=cmd_train)
    preset = sub.add_parser("preset", help="print a preset as a network file, with its dataset and training settings")
    preset.add_argument("name")
    preset.set_defaults(run=cmd_preset)
    return parser


def _training_options(parser: argparse.ArgumentParser) -> None:
    """--optimiser (or --optimizer) with its hyper-parameters, and --l1 or --l2."""
    parser.add_argument("--optimiser", "--optimizer", dest="optimiser", choices=tuple(RULES),
                        help="the update rule (default: sgd, or momentum when --momentum is given)")
    for name, h in HYPERS.items():
        default = getattr(Optimiser(), name)
        parser.add_argument(f"--{name}", type=float, help=f"{h.symbol}, {h.meaning} (default {default:g})")
    for kind in ("l1", "l2"):
        parser.add_argument(f"--{kind}", type=float, metavar="λ", help=f"weight penalty {PENALTIES[kind]}; biases are "
                            "not penalised")


def main(argv=None) -> int:
    try:
        args = build_parser().parse_args(argv)
        if not 1 <= (getattr(args, "epochs", None) or 1) <= MAX_EPOCHS:
            raise BpvizError("epochs", f"{args.epochs}; choose 1 to {MAX_EPOCHS:,} epochs")
        with np.errstate(**QUIET):
            args.run(args)
    except BpvizError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except OSError as err:
        print(f"error: {err.strerror or err}", file=sys.stderr)
        return 2
    return 0

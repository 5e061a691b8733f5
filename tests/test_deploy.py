"""The Dockerfile (not built here: this machine has no container runtime) copies everything the app needs and
starts it as the README says, and nothing the app imports lives outside what it copies."""

import ast
import shlex

from conftest import ROOT

APP_FILES = ["app.py", *(p.relative_to(ROOT) for d in ("pages", "webui", "bpviz") for p in (ROOT / d).rglob("*.py"))]


def _dockerfile() -> list[tuple[str, str]]:
    """(instruction, rest) of each line of the Dockerfile, comments left out."""
    lines = (ROOT / "Dockerfile").read_text().splitlines()
    return [tuple(line.split(" ", 1)) for line in lines if line.strip() and not line.startswith("#")]


def test_the_image_copies_the_app_its_requirements_and_its_config():
    copied = {shlex.split(rest)[0] for op, rest in _dockerfile() if op == "COPY"}
    assert copied == {"requirements.txt", "app.py", "bpviz", "webui", "pages", ".streamlit"}
    assert ("RUN", "pip install --no-cache-dir -r requirements.txt") in _dockerfile()


def test_everything_the_app_imports_from_the_repository_is_copied():
    local = {p.name.removesuffix(".py") for p in ROOT.iterdir() if p.is_dir() or p.suffix == ".py"}  # tests, scripts…
    imported = set()
    for path in APP_FILES:
        for node in ast.walk(ast.parse((ROOT / path).read_text())):
            if isinstance(node, ast.Import):
                imported |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    assert imported & local <= {"bpviz", "webui"}  # never tests/ or scripts/, which the image leaves out


def test_the_image_starts_the_app_as_the_readme_says():
    cmd = next(rest for op, rest in _dockerfile() if op == "CMD")
    assert ast.literal_eval(cmd) == ["streamlit", "run", "app.py", "--server.port", "8501", "--server.address",
                                     "0.0.0.0"]  # fmt: skip
    assert "streamlit run app.py --server.port 8501 --server.address 0.0.0.0" in (ROOT / "README.md").read_text()

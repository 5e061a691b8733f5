"""Project-level promises: the engine never imports Streamlit, and CI runs the README's command."""

import ast
import re
import subprocess
import sys

from conftest import ROOT


def test_bpviz_never_imports_streamlit():
    offenders = []
    for path in (ROOT / "bpviz").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in ("streamlit", "webui")]
    assert offenders == []


def test_importing_the_engine_loads_no_streamlit():
    code = "import sys, bpviz, bpviz.io.cli; print('streamlit' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    command = re.search(r"```bash\n(pip install -r requirements-dev\.txt[^\n]*)\n```", readme).group(1)
    assert f"'{command}'" in (ROOT / ".ci" / "run").read_text()


def test_no_pickle_eval_exec_or_raw_html_in_the_code():
    pattern = re.compile(r"\bpickle\b|\beval\(|\bexec\(|unsafe_allow_html|__import__\(")
    sources = [p for p in ROOT.rglob("*.py") if p.parts[len(ROOT.parts)] not in ("tests", ".venv")]
    hits = [
        f"{p.relative_to(ROOT)}:{i}"
        for p in sources
        for i, line in enumerate(p.read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    assert len(sources) > 10
    assert hits == []


def _static(node: ast.expr, constants: dict[str, ast.expr]) -> bool:
    """True when ``node`` is text fixed in the code: a string literal, a module constant (an UPPER_CASE name
    assigned a static value in the same module, or an UPPER_CASE attribute such as ``state.STEP_CLICKER``), or
    an f-string of those."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.Name):
        return node.id.isupper() and node.id in constants and _static(constants[node.id], constants)
    if isinstance(node, ast.Attribute):
        return node.attr.isupper()
    if isinstance(node, ast.JoinedStr):
        return all(_static(v.value if isinstance(v, ast.FormattedValue) else v, constants) for v in node.values)
    return False


def test_raw_html_only_ever_gets_text_fixed_in_the_code():
    """``st.html`` (and any ``*.html(...)`` call) renders raw HTML: it may only receive static text, never
    a file's contents, a share link's values or anything else a user typed. Streamlit's HTML components and
    ``unsafe_allow_html`` are not used at all (see the grep above)."""
    calls, offenders = 0, []
    for path in [ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "webui").glob("*.py")]:
        tree = ast.parse(path.read_text())
        constants = {
            t.id: node.value for node in tree.body if isinstance(node, ast.Assign) for t in node.targets
            if isinstance(t, ast.Name)
        }  # fmt: skip
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "components":
                offenders.append(f"{path.name}:{node.lineno} uses Streamlit components")
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "html":
                calls += 1
                args = [*node.args, *(k.value for k in node.keywords)]
                offenders += [f"{path.name}:{node.lineno}" for a in args if not _static(a, constants)]
    assert calls >= 2  # the hidden clicker buttons and presentation mode's CSS
    assert offenders == []

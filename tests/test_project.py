"""Project-level promises: imports run one way between bpviz's packages, the engine never imports Streamlit,
and CI runs the README's command."""

import ast
import re
import subprocess
import sys

from conftest import ROOT

# What each package of bpviz may import of the others (a package may always import itself).
ALLOWED = {
    "engine": set(),
    "data": {"engine"},
    "chainrule": {"engine", "lesson"},  # predict-then-reveal and published numbers share the lesson's records
    "lesson": {"engine", "data"},
    "runs": {"engine", "data"},
    "design": {"engine", "data", "lesson"},
    "io": {"engine", "data", "lesson", "runs"},  # the CLI trains under the work cap of runs
    "figures": {"engine", "data", "lesson", "runs", "chainrule"},
}
TOP = {"__init__", "__main__"}  # bpviz/__init__.py and __main__.py: the public surface, may import any package


def _imports(path, root) -> list[str]:
    """Every module ``path`` imports, relative imports resolved to absolute names."""
    package = ".".join(path.relative_to(root).with_suffix("").parts[:-1])
    out = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            module = ".".join([*base, node.module] if node.module else base)
            out += [module] + [f"{module}.{a.name}" for a in node.names]
    return out


def direction_offenders(root) -> list[str]:
    """Every import under ``root``/bpviz that breaks ALLOWED, imports Streamlit or webui, or sits outside
    the packages ALLOWED lists."""
    offenders = []
    for path in sorted((root / "bpviz").rglob("*.py")):
        rel = path.relative_to(root / "bpviz")
        own = rel.parts[0] if len(rel.parts) > 1 else rel.stem
        if own not in ALLOWED and own not in TOP:
            offenders.append(f"{rel}: a module outside the packages of ALLOWED")
            continue
        for name in _imports(path, root):
            parts = name.split(".")
            if parts[0] in ("streamlit", "webui"):
                offenders.append(f"{rel}: imports {name}")
            elif parts[0] == "bpviz" and len(parts) > 2 and own not in TOP:
                if parts[1] != own and parts[1] not in ALLOWED.get(own, ()):
                    offenders.append(f"{rel}: {own} imports {name}")
    return offenders


def test_bpviz_packages_import_one_way_and_never_streamlit():
    packages = {p.relative_to(ROOT / "bpviz").parts[0] for p in (ROOT / "bpviz").rglob("*.py")}
    assert packages - {"__init__.py", "__main__.py"} == set(ALLOWED)
    assert direction_offenders(ROOT) == []


def test_the_direction_check_can_fail(tmp_path):
    """The check sees an engine module importing the lesson, a figure importing io, and Streamlit."""
    for folder, text in {
        "engine": "from bpviz.lesson.names import node_name\n",
        "figures": "from ..io import netfile\nimport streamlit as st\n",
    }.items():
        (tmp_path / "bpviz" / folder).mkdir(parents=True)
        (tmp_path / "bpviz" / folder / "bad.py").write_text(text)
    assert direction_offenders(tmp_path) == [
        "engine/bad.py: engine imports bpviz.lesson.names",
        "engine/bad.py: engine imports bpviz.lesson.names.node_name",
        "figures/bad.py: figures imports bpviz.io.netfile",
        "figures/bad.py: imports streamlit",
    ]


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
    assigned a static value in the same module, or an UPPER_CASE attribute such as ``step_ui.CLICKER``), or
    an f-string or a sum of those."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.Name):
        return node.id.isupper() and node.id in constants and _static(constants[node.id], constants)
    if isinstance(node, ast.Attribute):
        return node.attr.isupper()
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _static(node.left, constants) and _static(node.right, constants)
    if isinstance(node, ast.JoinedStr):
        return all(_static(v.value if isinstance(v, ast.FormattedValue) else v, constants) for v in node.values)
    return False


# The module running the app's JavaScript in the page (webui.page_script), the one use of Streamlit components.
COMPONENTS = {"page_script.py"}


def test_raw_html_only_ever_gets_text_fixed_in_the_code():
    """``st.html`` (and any ``*.html(...)`` call) renders raw HTML: it may only receive static text, never
    a file's contents, a share link's values or anything else a user typed. Streamlit's HTML components and
    ``unsafe_allow_html`` is not used at all (see the grep above); the four page scripts (``webui.page_script``),
    the viewport probe, auto-play's key listener, the Step page's key counter and the Train page's live-chart
    drawer, are static text too, and so is the frame that carries them (a file)."""
    calls, scripts, offenders = 0, 0, []
    for path in [ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "webui").glob("*.py")]:
        tree = ast.parse(path.read_text())
        constants = {
            t.id: node.value for node in tree.body if isinstance(node, ast.Assign) for t in node.targets
            if isinstance(t, ast.Name)
        }  # fmt: skip
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "components" and path.name not in COMPONENTS:
                offenders.append(f"{path.name}:{node.lineno} uses Streamlit components")
            if isinstance(node, ast.Call) and _names(node.func) == "page_script.run":
                scripts += 1
                module_and_js = [*node.args[:2], *(k.value for k in node.keywords if k.arg in ("module", "js"))]
                fixed = [_static(a, constants) for a in module_and_js]
                offenders += [f"{path.name}:{node.lineno} page script" for ok in fixed if not ok]
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "html":
                calls += 1
                args = [*node.args, *(k.value for k in node.keywords)]
                offenders += [f"{path.name}:{node.lineno}" for a in args if not _static(a, constants)]
    assert calls >= 2  # the hidden clicker buttons and presentation mode's CSS
    assert scripts == 4
    assert offenders == []


def _names(node: ast.expr) -> str:
    """ "page_script.run" for the expression ``page_script.run``."""
    return f"{_names(node.value)}.{node.attr}" if isinstance(node, ast.Attribute) else getattr(node, "id", "")


MAX_FUNCTION_LINES = 80


def test_no_function_is_longer_than_80_lines():
    """Every function of the app, the engine and the scripts fits on a screen (docstring included)."""
    long = []
    for path in [ROOT / "app.py", *ROOT.glob("pages/*.py"), *ROOT.glob("webui/*.py"), *ROOT.rglob("bpviz/**/*.py"),
                 *ROOT.glob("scripts/*.py")]:  # fmt: skip
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                size = node.end_lineno - node.lineno + 1
                if size > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({size} lines)")
    assert long == []


MARKDOWN_CALLS = {"markdown", "caption", "error", "warning", "info", "success", "toast"}


def _fixed(node: ast.expr) -> bool:
    """True when ``node`` is text fixed in the code (a literal, an UPPER_CASE name or attribute, an f-string of
    those) or ``md(<fixed template>, …)``, which escapes every value it is given."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.Name):
        return node.id.isupper()
    if isinstance(node, ast.Attribute):
        return node.attr.isupper()
    if isinstance(node, ast.JoinedStr):
        return all(_fixed(v.value if isinstance(v, ast.FormattedValue) else v) for v in node.values)
    if isinstance(node, ast.Call) and isinstance(node.func, (ast.Name, ast.Attribute)):
        name = node.func.id if isinstance(node.func, ast.Name) else node.func.attr
        return name == "md" and bool(node.args) and _fixed(node.args[0])
    return False


def markdown_offenders(paths) -> list[str]:
    """Every call in ``paths`` that hands Streamlit Markdown text that is neither fixed in the code nor made by
    ``md``: such text must go through ``webui.notices`` (which escapes it); ``md``'s template must be fixed and
    ``Markdown(…)`` is built in webui/notices.py only."""
    offenders = []
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if name in MARKDOWN_CALLS and isinstance(func, ast.Attribute) and not _is_notices(func.value):
                args = [*node.args[:1], *(k.value for k in node.keywords if k.arg == "body")]
                offenders += [f"{path.name}:{node.lineno} {name}" for a in args if not _fixed(a)]
            if name == "md" and not (node.args and _fixed(node.args[0])):
                offenders.append(f"{path.name}:{node.lineno} md with a template not fixed in the code")
            if name == "Markdown" and path.name != "notices.py":
                offenders.append(f"{path.name}:{node.lineno} Markdown(…) outside webui/notices.py")
    return offenders


def _is_notices(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id == "notices"


def test_markdown_only_ever_gets_text_fixed_in_the_code_or_escaped():
    paths = [ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "webui").glob("*.py")]
    assert markdown_offenders([p for p in paths if p.name != "notices.py"]) == []


def test_the_markdown_check_can_fail(tmp_path):
    page = tmp_path / "page.py"
    page.write_text(
        "import streamlit as st\n"
        "st.caption(f'In use: **{name}**')\n"
        "st.error(str(err))\n"
        "col.markdown(md(template, name))\n"
        "st.caption(md('In use: **{}**', name))\n"
        "notices.caption(name)\n"
        "st.info('fixed')\n"
        "st.toast(Markdown(name))\n"
    )
    assert sorted(markdown_offenders([page])) == [
        "page.py:2 caption",
        "page.py:3 error",
        "page.py:4 markdown",
        "page.py:4 md with a template not fixed in the code",
        "page.py:8 Markdown(…) outside webui/notices.py",
        "page.py:8 toast",
    ]

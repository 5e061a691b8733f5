"""The thin Streamlit layer: session state (``state``) and the setup every page calls first (``setup``).

Pages import from here and from ``bpviz``; ``bpviz`` never imports this package.
"""

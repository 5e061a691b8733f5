"""The engine: a network spec and its parameters, activations and losses, the forward and backward
passes with every intermediate quantity, mini-batch training and the gradient check.

The names used everywhere (layer l = 1..L, a^0 = x; W^l rows are the receiving neurons):

    z^l = W^l a^{l-1} + b^l          a^l = f_l(z^l)
    δ^l = dL/dz^l                    δ^{l-1} = ((W^l)ᵀ δ^l) ⊙ f'_{l-1}(z^{l-1})
    dL/dW^l = δ^l (a^{l-1})ᵀ         dL/db^l = δ^l

Code lists are 0-based: ``W[k]``, ``b[k]``, ``z[k]``, ``delta[k]``, ``grad_W[k]``
and ``grad_b[k]`` belong to layer k+1, and ``a[k]`` to layer k (``a[0]`` = x).
The engine imports nothing else of bpviz (tests/test_project.py holds it to that).
"""

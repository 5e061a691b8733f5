"""The Step page's "What am I looking at?" guide for a first-time learner (our own Markdown, no user text)."""

STEP_GUIDE = """\
**One sample, one step.** The network takes one sample (chosen in the sidebar) forward to its output and its
loss L, back to the gradient of every weight, and then makes one update. **Next** and **Back** (or → and ←,
PageDown and PageUp on a clicker) walk through it one stage at a time.

**The diagram.** Each column is a layer, the input on the left. A circle is a neuron: it shows its activation
a = f(z), where z is the weighted sum of the layer before plus a bias; in the backward stages it also shows
δ = ∂L/∂z, how much the loss changes with z. A line is a weight w: blue and solid when positive, vermillion
and dashed when negative, wider when larger; in the gradient stages it carries ∂L/∂w = δ · a.

**Not yet, or zero?** A hollow circle with "?" (and a dotted line) is not computed yet at this stage; a grey
disc is a value of exactly 0.

**The equation.** Click any neuron or line, or pick it in the menus: its equation is written out with the live
numbers, and the part this stage computes is framed.

**Below the diagram**, the tables list every number so far and the gradient check compares backprop with
finite differences. **Apply update** makes the new weights the network's, and **Undo** takes them back.
"""

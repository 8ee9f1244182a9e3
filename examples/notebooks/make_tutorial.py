"""Writes tutorial.ipynb beside this file: the seed tutorial, walked through with gradscape.

The notebook is generated so its cells stay plain Python in review; tests execute it.
Run: ``python examples/notebooks/make_tutorial.py``.
"""

from pathlib import Path

import nbformat as nbf

CELLS = [
    ("md", "# Derivatives and gradients with gradscape\n\n"
           "The tutorial gradscape grew from defines $f(x, y) = x^2 + y^2$, writes its gradient "
           "$[2x, 2y]$ by hand and draws it as arrows. Here gradscape derives everything."),
    ("code", "%matplotlib inline\nimport matplotlib.pyplot as plt\nimport numpy as np\n\n"
             "import gradscape as gs\n\n"
             "f = gs.Function(\"x^2 + y^2\")\nf"),
    ("md", "## The gradient, exactly\nA gradient collects the partial derivatives. "
           "Each is a SymPy expression:"),
    ("code", "f.gradient"),
    ("code", "print(f.gradient_text())\nf.hessian"),
    ("md", "## How the derivative is obtained\nEvery step names its rule "
           "(here the power and sum rules, holding $y$ constant):"),
    ("code", "gs.derive(f.expr, f.symbols[0], variables=f.symbols)"),
    ("code", "g = gs.Function(\"sin(x^2)\")\ngs.derive(g.expr, g.symbols[0])"),
    ("md", "## Check the tutorial's hand-written gradient\n"
           "The tutorial wrote `grad_f` by hand; compare it with the exact one on a grid."),
    ("code", "def grad_f(x, y):\n    return np.array([2 * x, 2 * y])\n\n"
             "X, Y = np.meshgrid(np.linspace(-3, 3, 20), np.linspace(-3, 3, 20))\n"
             "report = gs.gradient_check(grad_f, f.grad, (X, Y))\nprint(report)\n"
             "assert report.ok"),
    ("md", "## The tutorial's figure\nThe same 20×20 grid over $[-3, 3]^2$, blue arrows:"),
    ("code", "from gradscape.plot import quiver\n\n"
             "fld = gs.field(f, x=(-3, 3), y=(-3, 3), n=20)\n"
             "fig, ax = plt.subplots(figsize=(6, 6))\nquiver(ax, fld)\nplt.show()"),
    ("code", "fld"),
    ("md", "## Walking downhill\nGradient descent steps along $-\\nabla f$. "
           "On Himmelblau's function, from one start:"),
    ("code", "from gradscape.optim.descend import descend\n\n"
             "h = gs.Function(\"himmelblau\")\n"
             "path = descend(h, (-1.5, 2.0), method=\"gd\", lr=0.01, steps=500)\npath"),
    ("code", "from gradscape.plot.paths import paths\n\n"
             "fig, ax = plt.subplots(figsize=(6, 5))\n"
             "paths(ax, gs.field(h, x=(-5, 5), y=(-5, 5), n=200), [path])\nplt.show()"),
    ("md", "## Where the minima are\nAll critical points in the usual box, classified by "
           "the Hessian's eigenvalues:"),
    ("code", "for p in gs.critical_points(h):\n"
             "    print(p.kind.ljust(8), np.round(p.point, 6), round(p.value, 6))"),
    ("md", "## Training a model: a loss over data\n"
           "Gradients train machine-learning models. Write the model's loss for one row as a "
           "formula, name the parameters, and point it at a CSV: the names that match its "
           "columns are data, and the function is the mean loss over the rows. Here 200 "
           "points scattered around $y = 1.7x - 0.4$ (the recipe of "
           "`examples/data/make_datasets.py`):"),
    ("code", "rng = np.random.default_rng(1)\n"
             "x = rng.uniform(-3, 3, 200)\n"
             "y = 1.7 * x - 0.4 + rng.normal(scale=0.5, size=200)\n"
             "np.savetxt(\"linear.csv\", np.c_[x, y], delimiter=\",\", header=\"x,y\", "
             "comments=\"\")\n\n"
             "loss = gs.Function(\"(w*x + b - y)^2\", \"w, b\", data=\"linear.csv\")\n"
             "print(loss.data_text())\nprint(loss.gradient_text())\n"
             "loss.grad(0.0, 0.0)"),
    ("md", "Newton's method on the mean loss lands on the least-squares fit in one step; "
           "`numpy.linalg.lstsq` agrees:"),
    ("code", "fit = descend(loss, (0.0, 0.0), method=\"newton\", steps=20, tol=1e-12)\n"
             "lstsq = np.linalg.lstsq(np.c_[x, np.ones_like(x)], y, rcond=None)[0]\n"
             "print(fit.final, lstsq)\nassert np.allclose(fit.final, lstsq, atol=1e-8)"),
    ("md", "## Stochastic gradient descent\nEach step sees one shuffled minibatch of rows; "
           "the seed makes the run repeatable. The thin lines are the loss on each step's "
           "batch (SGD's noise), the markers the loss on all rows after each epoch:"),
    ("code", "from gradscape.plot.figures import make_figure\n\n"
             "sgd = descend(loss, (0.0, 0.0), method=\"sgd\", lr=0.05, batch=16, epochs=20, "
             "seed=3)\nprint(sgd.final, sgd.epoch_values[-1])\n"
             "fig = plt.figure(figsize=(7, 4.5))\n"
             "make_figure(\"epochs\", loss, fig=fig, methods=(\"sgd\", \"momentum\", "
             "\"adam\"),\n            batch=16, epochs=20, seed=3)\nplt.show()"),
    ("md", "## The loss landscape and the fit\nThe mean loss over $(w, b)$ with descent "
           "paths, and the data with the fitted line:"),
    ("code", "fig = plt.figure(figsize=(6, 5))\n"
             "make_figure(\"landscape\", loss, fig=fig, x=(-1, 4), y=(-3, 3), n=50,\n"
             "            starts=np.array([[-0.5, 2.0]]), methods=(\"gd\", \"momentum\", "
             "\"adam\"))\n"
             "plt.show()\n"
             "fig = plt.figure(figsize=(6, 4.5))\nmake_figure(\"fit\", loss, fig=fig)\n"
             "plt.show()"),
]


def build() -> nbf.NotebookNode:
    nb = nbf.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [nbf.v4.new_markdown_cell(src) if kind == "md" else nbf.v4.new_code_cell(src)
                for kind, src in CELLS]
    return nb


if __name__ == "__main__":
    target = Path(__file__).with_name("tutorial.ipynb")
    nbf.write(build(), target)
    print(f"wrote {target}")

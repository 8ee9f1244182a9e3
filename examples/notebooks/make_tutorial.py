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


# Multivariable calculus (issue 14): vector functions, potentials, implicit curves, constraints.
VECTOR_CALCULUS = [
    ("md", "## Vector functions: Jacobian, divergence, curl, Laplacian\n"
           "A list of formulas is a vector function; each row of its Jacobian is a "
           "component's gradient:"),
    ("code", "F = gs.VectorFunction(\"x^2 y, 5x + sin(y)\")\n"
             "print(\"div F =\", F.divergence, \"   curl F =\", F.curl, "
             "\"   at (1, 2):\", F.at(F.curl, 1, 2))\n"
             "print(\"Laplacian of x^3 + x y^2 =\", gs.laplacian(\"x^3 + x y^2\"))\n"
             "F.jacobian"),
    ("md", "## Gradient fields and their potentials\nA field is a gradient when its curl is "
           "zero (on a simply connected domain); its potential φ is then built and checked. "
           "The arrows of $F = \\nabla\\varphi$ cross φ's level curves at right angles:"),
    ("code", "r = gs.potential(\"2x y, x^2 + 3y^2\")\nprint(r.potential, \"--\", r.reason)\n"
             "print(gs.potential(\"-y, x\").reason)\n"
             "print(gs.potential(\"1/x, y\").potential, \"defined where\", "
             "gs.potential(\"1/x, y\").domain)\n"
             "fig = plt.figure(figsize=(6, 5.4))\n"
             "make_figure(\"potential\", \"2x y, x^2 + 3y^2\", fig=fig)\nplt.show()"),
    ("md", "## Implicit differentiation\nOn the curve $F(x, y) = c$, $dy/dx = -F_x/F_y$, "
           "found without solving for $y$:"),
    ("code", "from gradscape.calculus.implicit import implicit_derivative\n\n"
             "print(\"\\n\".join(implicit_derivative(\"x^2 + y^2 = 25\", \"x\").lines()))\n"
             "print(\"d2y/dx2 =\", implicit_derivative(\"x^2 + y^2 = 25\", \"x\", "
             "order=2).result)\n"
             "fig = plt.figure(figsize=(6, 5.4))\n"
             "make_figure(\"implicit\", \"x^2 + y^2 = 25\", fig=fig, at=(3, 4))\nplt.show()"),
    ("md", "## Extrema under a constraint\nAt a constrained extremum, $\\nabla f = "
           "\\lambda \\nabla g$: f's level curve touches the constraint curve. Each point "
           "comes with its multiplier and its kind by the bordered Hessian:"),
    ("code", "for p in gs.constrained_points(\"x^2 + y^2\", \"(x-1)^2 + y^2 = 4\"):\n"
             "    print(p.kind.ljust(8), p.exact, \"f =\", p.value, \"λ =\", p.multipliers)\n"
             "fig = plt.figure(figsize=(6.4, 5.6))\n"
             "make_figure(\"lagrange\", \"x^2 + y^2\", fig=fig, "
             "subject_to=(\"(x-1)^2 + y^2 = 4\",))\nplt.show()"),
]
CELLS += VECTOR_CALCULUS

BACKPROP = [
    ("md", "## How the computer gets the gradient: reverse mode\n"
           "The formula is a graph of operations. The forward pass computes each node's value; "
           "the backward pass carries the adjoint $\\bar v = \\partial f/\\partial v$ from f "
           "down, multiplying by each edge's local derivative. The inputs' adjoints are the "
           "gradient (backpropagation):"),
    ("code", "g = gs.graph(\"sin(x*y) + x^2\", (1, 2))\nprint(g.to_text())\n"
             "fig = plt.figure(figsize=(9, 3.6))\n"
             "make_figure(\"graph\", \"sin(x*y) + x^2\", fig=fig, at=(1, 2))\nplt.show()"),
    ("md", "## The derivative from its definition\n"
           "$f'(x) = \\lim_{h \\to 0} (f(x+h) - f(x))/h$, simplified until $h = 0$ can be "
           "substituted:"),
    ("code", "print(gs.definition(\"sqrt(x)\").to_text())\n"
             "print()\nprint(gs.definition(\"sin(x)\").to_text())"),
]
CELLS += BACKPROP


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

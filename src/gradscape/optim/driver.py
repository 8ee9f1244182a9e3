"""The fused descent loops: ordinary Python that Numba compiles once per (formula, method).

Start points are split into blocks of :data:`BLOCK` lanes. A block keeps its coordinates
``B[i, j]`` (coordinate i of lane j), gradients ``G`` and optimizer state in small arrays that
stay in the L1 cache, and each step is:

1. ``grad_block`` — the formula's gradient at every lane (generated, one vectorised pass);
2. the checks: a lane whose ``|x|² + |∇f|²`` leaves the finite world (above ``DIVERGE²``, or
   NaN) has "diverged", one with ``|∇f|² < tol²`` has "converged", and at the last step the
   rest stop at "max-steps"; stopped lanes write their results and the survivors are packed
   to the front, so finished starts cost nothing afterwards;
3. the update of every surviving lane: per coordinate, one vectorised pass of the optimizer's
   ``update`` (:func:`coordinate_loop`), or per lane, a per-start method (:func:`vector_loop`).

Runs with ``tol=None`` and no kept paths skip the checks inside chunks of up to :data:`CHUNK` steps
(checks every step would halve the speed of gradient descent), each step one fused pass
(``step_block``, compiled per formula and optimizer); a chunk that ends with a diverged lane
is rolled back and the step where it left is found by halving, so statuses and step counts
stay exact. Only an
excursion past the divergence limit that comes back within one chunk would go unseen (NaN
never comes back).

The formula arrives as compiled functions (``grad_block``, ``value_block``, ``value_point``,
``grad_point``, ``hess_point``: :mod:`gradscape.compile.lanes`), so one compiled loop serves
every formula. The
optimizer's names ``update``, ``per_step``, ``method`` and ``NSLOTS`` are bound per optimizer
by :mod:`gradscape.optim.fused`, and inlined. No fast-math, not even FMA contraction, so the
loops agree bit for bit with the NumPy reference (:mod:`gradscape.optim.reference`) wherever
the formula's code does.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gradscape.optim.binding import lane
from gradscape.optim.linesearch import UNBOUNDED

__all__ = ["BLOCK", "CHUNK", "FIRST_CHUNK", "DIVERGE", "LIMIT2", "coordinate_loop",
           "vector_loop"]

BLOCK = 512  # lanes per block: a block's arrays stay in L1 (Adam in 2-D: 5 × 512 × 8 bytes)
CHUNK = 256  # most steps between checks on fixed-step runs (a check costs about two steps)
FIRST_CHUNK = 16  # the first chunk's steps; each chunk that passes makes the next 4× longer
DIVERGE = 1e100  # a point or gradient this far out (in norm) counts as diverged
LIMIT2 = DIVERGE * DIVERGE  # compared with |x|² + |∇f|², so no square root per lane

# Names bound per optimizer by gradscape.optim.fused; placeholders for readers.
NSLOTS = 0  # state slots per coordinate of the optimizer chain
HANDS_GRADIENT = False  # the per-start method leaves ∇f at its new point in w[:n]


def update(u: Any, x: Any, s: Any, o: int, j: Any, c: Any, p: Any) -> Any:
    """The optimizer chain's update of one coordinate (see gradscape.optim.transforms)."""
    return u


def per_step(t: Any, lr: Any, p: Any) -> Any:
    """The optimizer chain's constants for step t."""
    return ()


def method(x: Any, g: Any, q: Any, w: Any, ev: Any, lr: float, p: Any, fx: Any) -> int:
    """A per-start method's step (see gradscape.optim.methods)."""
    return 0


@lane
def load_block(X: Any, lo: int, na: int, B: Any, lanes: Any, keep: Any, slot_of: Any) -> int:
    """Copy starts lo … lo+na-1 into the block; return how many of them keep their path."""
    n = X.shape[1]
    kept = 0
    for j in range(na):
        for i in range(n):
            B[i, j] = X[lo + j, i]
        lanes[j] = lo + j
        keep[j] = slot_of[lo + j] if len(slot_of) else -1
        if keep[j] >= 0:
            kept += 1
    return kept


@lane
def norms(B: Any, G: Any, GN: Any, XN: Any, na: int) -> None:
    """|∇f|² and |x|² per lane, summed over coordinates in order (as the reference does)."""
    n = B.shape[0]
    for j in range(na):
        GN[j] = G[0, j] * G[0, j]
        XN[j] = B[0, j] * B[0, j]
    for i in range(1, n):
        for j in range(na):
            GN[j] += G[i, j] * G[i, j]
            XN[j] += B[i, j] * B[i, j]


@lane
def record(B: Any, GN: Any, na: int, keep: Any, step: int, paths: Any, path_val: Any,
           path_gn: Any, xs: Any, value_point: Any) -> None:
    """Copy the kept lanes' points, values and gradient norms at this step."""
    n = B.shape[0]
    for j in range(na):
        s = keep[j]
        if s >= 0:
            for i in range(n):
                xs[i] = B[i, j]
                paths[s, step, i] = xs[i]
            path_val[s, step] = value_point(xs)
            path_gn[s, step] = np.sqrt(GN[j])


@lane
def finish(B: Any, GN: Any, V: Any, j: int, step: int, code: int, lanes: Any, EV: Any,
           out: Any) -> None:
    """Write lane j's results as its start's: final point, value ``V[j]``, steps, status,
    |∇f|, and the evaluations of f, ∇f (the method's own plus one per point visited) and
    the Hessian (as :func:`settle` does for many lanes at once)."""
    out_x, out_val, out_k, out_code, out_gn, out_ev = out
    k = lanes[j]
    for i in range(B.shape[0]):
        out_x[k, i] = B[i, j]
    out_val[k] = V[j]
    out_k[k] = step
    out_code[k] = code
    out_gn[k] = np.sqrt(GN[j])
    out_ev[k, 0] = EV[j, 0]
    out_ev[k, 1] = EV[j, 1] + step + 1
    out_ev[k, 2] = EV[j, 2]


@lane
def value_at(B: Any, j: int, xs: Any, value_point: Any) -> float:
    """f at lane j, through the scratch vector ``xs`` (no view per call)."""
    for i in range(B.shape[0]):
        xs[i] = B[i, j]
    return value_point(xs)


@lane
def reached(B: Any, GN: Any, V: Any, j: int, q: Any, g: Any, step: int, keep: Any,
            paths: Any, path_val: Any, path_gn: Any, value_point: Any, grad_point: Any) -> None:
    """Move lane j to ``q``, the point where f fell without bound, as step ``step``: its f
    and |∇f|² (evaluated there, ∇f into the scratch ``g``) and, if kept, its path."""
    n = B.shape[0]
    for i in range(n):
        B[i, j] = q[i]
    grad_point(q, g)
    gn = 0.0
    for i in range(n):
        gn += g[i] * g[i]
    GN[j] = gn
    V[j] = value_point(q)
    s = keep[j]
    if s >= 0:
        for i in range(n):
            paths[s, step, i] = q[i]
        path_val[s, step] = V[j]
        path_gn[s, step] = np.sqrt(gn)


@lane
def settle(B: Any, GN: Any, XN: Any, V: Any, xs: Any, na: int, step: int, steps: int,
           tol2: float, lanes: Any, EV: Any, alive: Any, codes: Any, out: Any,
           value_block: Any, value_point: Any) -> int:
    """Finish every lane that converged, diverged or reached the last step; list the others
    in ``alive`` and return how many there are."""
    last = -1 if step < steps else 0
    w = 0
    for j in range(na):  # selects, not branches: LLVM vectorises this loop
        inside = GN[j] + XN[j] <= LIMIT2
        code = (1 if GN[j] < tol2 else last) if inside else 2
        codes[j] = code
        w += 1 if code < 0 else 0
    k = 0
    for j in range(na):
        if codes[j] < 0:
            alive[k] = j
            k += 1
    if w == na:
        return w
    if 8 * (na - w) >= na:  # many lanes finish: one vectorised pass for their values
        value_block(B, V, na)
    else:
        for j in range(na):
            if codes[j] >= 0:
                V[j] = value_at(B, j, xs, value_point)
    # written here, not through finish(): a call per lane would count references on every
    # output array per lane, which costs more than the rest of a short run
    out_x, out_val, out_k, out_code, out_gn, out_ev = out
    lo = lanes[0]
    if w == 0 and lanes[na - 1] - lo == na - 1:  # the whole block, in order: copy slices
        for i in range(B.shape[0]):
            out_x[lo:lo + na, i] = B[i, :na]
        out_val[lo:lo + na] = V[:na]
        out_k[lo:lo + na] = step
        out_code[lo:lo + na] = codes[:na]
        out_gn[lo:lo + na] = np.sqrt(GN[:na])
        for c in range(3):
            out_ev[lo:lo + na, c] = EV[:na, c]
        out_ev[lo:lo + na, 1] += step + 1
        return w
    for j in range(na):
        if codes[j] >= 0:
            k = lanes[j]
            for i in range(B.shape[0]):
                out_x[k, i] = B[i, j]
            out_val[k] = V[j]
            out_k[k] = step
            out_code[k] = codes[j]
            out_gn[k] = np.sqrt(GN[j])
            out_ev[k, 0] = EV[j, 0]
            out_ev[k, 1] = EV[j, 1] + step + 1
            out_ev[k, 2] = EV[j, 2]
    return w


@lane
def pack_columns(A: Any, alive: Any, w: int) -> None:
    """Move the columns listed in ``alive`` (increasing) to the front, in order."""
    for k in range(w):
        src = alive[k]
        for r in range(A.shape[0]):
            A[r, k] = A[r, src]


@lane
def pack_rows(A: Any, alive: Any, w: int) -> None:
    """Move the rows listed in ``alive`` (increasing) to the front, in order."""
    for k in range(w):
        src = alive[k]
        for c in range(A.shape[1]):
            A[k, c] = A[src, c]


@lane
def pack_lanes(alive: Any, w: int, lanes: Any, keep: Any) -> None:
    for k in range(w):
        lanes[k] = lanes[alive[k]]
        keep[k] = keep[alive[k]]


@lane
def copy_lanes(src: Any, dst: Any, na: int) -> None:
    """dst[:, :na] = src[:, :na], as loops (Numba compiles 2-D slice copies slowly)."""
    for r in range(src.shape[0]):
        for j in range(na):
            dst[r, j] = src[r, j]


@lane
def coordinate_step(B: Any, G: Any, S: Any, na: int, lr: float, c: Any, hp: Any) -> None:
    """One step of the optimizer chain at every lane, coordinate by coordinate."""
    n = B.shape[0]
    for i in range(n):
        x_ = B[i]
        g_ = G[i]
        s_ = S[i * NSLOTS:(i + 1) * NSLOTS]
        for j in range(na):
            x = x_[j]
            x_[j] = x - lr * update(g_[j], x, s_, 0, j, c, hp)


@lane
def run_chunk(B: Any, G: Any, S: Any, GN: Any, XN: Any, saved_b: Any, saved_s: Any, na: int,
              rates: Any, t0: int, t1: int, hp: Any, grad_block: Any, fused: bool,
              step_block: Any) -> bool:
    """Take steps t0 … t1-1 with no checks; True if no lane diverged, else put the block back
    as it was at t0 and return False (the caller replays those steps one by one).

    With ``fused``, ``step_block`` takes the steps, each one pass with the gradient and the
    update together (compiled for this formula and optimizer); else every step is a gradient
    pass and an update pass. Both compute the same operations."""
    copy_lanes(B, saved_b, na)
    copy_lanes(S, saved_s, na)
    if fused:
        step_block(B, S, na, rates, t0, t1, hp)
    else:
        for t in range(t0, t1):
            grad_block(B, G, na)
            coordinate_step(B, G, S, na, rates[t], per_step(t, rates[t], hp), hp)
    grad_block(B, G, na)
    norms(B, G, GN, XN, na)
    for j in range(na):
        if not (GN[j] + XN[j] <= LIMIT2):
            copy_lanes(saved_b, B, na)
            copy_lanes(saved_s, S, na)
            return False
    return True


@lane
def coordinate_loop(blk_lo: int, blk_hi: int, X: Any, rates: Any, steps: int, tol2: float,
                    hp: Any, slot_of: Any, out: Any, paths: Any, path_val: Any,
                    path_gn: Any, fused: bool, step_block: Any, grad_block: Any,
                    value_block: Any, value_point: Any) -> None:
    """Run blocks ``blk_lo … blk_hi-1`` of the starts ``X`` (M, n) with a coordinate-wise
    optimizer; results go to ``out`` (see gradscape.optim.result.Raw). ``step_block`` is
    used on fixed-step runs when ``fused`` (see :func:`run_chunk`)."""
    m, n = X.shape
    for blk in range(blk_lo, blk_hi):
        lo = blk * BLOCK
        na = min(lo + BLOCK, m) - lo
        B = np.empty((n, na))
        G = np.empty((n, na))
        S = np.zeros((n * NSLOTS, na))
        GN = np.empty(na)
        XN = np.empty(na)
        V = np.empty(na)
        xs = np.empty(n)
        EV = np.zeros((na, 3), np.int64)
        lanes = np.empty(na, np.int64)
        keep = np.empty(na, np.int64)
        alive = np.empty(na, np.int64)
        codes = np.empty(na, np.int64)
        # fixed-step runs with no kept path go by chunks, replaying a chunk that diverged
        kept = load_block(X, lo, na, B, lanes, keep, slot_of) > 0
        fast = not kept and tol2 < 0.0
        saved_b = np.empty_like(B) if fast else B
        saved_s = np.empty_like(S) if fast else S
        t = 0
        grow = FIRST_CHUNK  # chunks grow up to CHUNK: early divergence is found cheaply
        while na > 0 and t <= steps:
            stop = t + 1 if fast else steps + 1
            if fast and t < steps:
                span = min(grow, steps - t)
                if run_chunk(B, G, S, GN, XN, saved_b, saved_s, na, rates, t, t + span, hp,
                             grad_block, fused, step_block):
                    t += span
                    grow = min(4 * grow, CHUNK)
                    continue
                # some lane left the finite world in this chunk: halve the span until the
                # step after which it is out, then take that step and the next with checks
                while span > 1:
                    half = span // 2
                    if run_chunk(B, G, S, GN, XN, saved_b, saved_s, na, rates, t, t + half,
                                 hp, grad_block, fused, step_block):
                        t += half
                        span -= half
                    else:
                        span = half
                stop = t + 2
            while na > 0 and t < stop:  # steps with checks
                grad_block(B, G, na)
                norms(B, G, GN, XN, na)
                if kept:
                    record(B, GN, na, keep, t, paths, path_val, path_gn, xs, value_point)
                w = settle(B, GN, XN, V, xs, na, t, steps, tol2, lanes, EV, alive, codes, out,
                           value_block, value_point)
                if w < na:
                    for A in (B, G, S):
                        pack_columns(A, alive, w)
                    pack_lanes(alive, w, lanes, keep)
                    na = w
                if na > 0 and t < steps:
                    coordinate_step(B, G, S, na, rates[t], per_step(t, rates[t], hp), hp)
                t += 1


@lane
def vector_loop(blk_lo: int, blk_hi: int, X: Any, rates: Any, steps: int, tol2: float,
                hp: Any, slot_of: Any, out: Any, paths: Any, path_val: Any,
                path_gn: Any, width: int, grad_block: Any, value_block: Any,
                value_point: Any, grad_point: Any, hess_point: Any) -> None:
    """As :func:`coordinate_loop`, for a per-start method: each lane runs ``method`` on its
    own point, gradient and workspace (``width`` floats), and may stop itself with a status
    code; at "unbounded-below" the start ends at the point its line search reached."""
    m, n = X.shape
    for blk in range(blk_lo, blk_hi):
        lo = blk * BLOCK
        na = min(lo + BLOCK, m) - lo
        B = np.empty((n, na))
        G = np.empty((n, na))
        W = np.zeros((na, width))
        GN = np.empty(na)
        XN = np.empty(na)
        V = np.empty(na)
        xs = np.empty(n)
        EV = np.zeros((na, 3), np.int64)
        lanes = np.empty(na, np.int64)
        keep = np.empty(na, np.int64)
        alive = np.empty(na, np.int64)
        codes = np.empty(na, np.int64)
        x = np.empty(n)
        g = np.empty(n)
        q = np.empty(n)
        fx = (value_point, grad_point, hess_point)
        load_block(X, lo, na, B, lanes, keep, slot_of)
        for step in range(steps + 1):
            if step == 0 or not HANDS_GRADIENT:
                grad_block(B, G, na)
            norms(B, G, GN, XN, na)
            record(B, GN, na, keep, step, paths, path_val, path_gn, xs, value_point)
            w = settle(B, GN, XN, V, xs, na, step, steps, tol2, lanes, EV, alive, codes, out,
                       value_block, value_point)
            if w == 0:
                break
            lr = rates[step]
            stopped = 0
            for k in range(w):
                j = alive[k]
                for i in range(n):
                    x[i] = B[i, j]
                    g[i] = G[i, j]
                code = method(x, g, q, W[j], EV[j], lr, hp, fx)
                if code == 0:
                    for i in range(n):
                        B[i, j] = q[i]
                    if HANDS_GRADIENT:
                        for i in range(n):
                            G[i, j] = W[j, i]
                elif code == UNBOUNDED:  # stop at the point the line search reached
                    reached(B, GN, V, j, q, g, step + 1, keep, paths, path_val, path_gn,
                            value_point, grad_point)
                    finish(B, GN, V, j, step + 1, code, lanes, EV, out)
                    alive[k] = -1
                    stopped += 1
                else:  # the method stops this start where it is, with its code
                    V[j] = value_at(B, j, xs, value_point)
                    finish(B, GN, V, j, step, code, lanes, EV, out)
                    alive[k] = -1
                    stopped += 1
            if stopped:
                v = 0
                for k in range(w):
                    if alive[k] >= 0:
                        alive[v] = alive[k]
                        v += 1
                w = v
            if w < na:
                for A in (B, G):
                    pack_columns(A, alive, w)
                pack_rows(W, alive, w)
                pack_rows(EV, alive, w)
                pack_lanes(alive, w, lanes, keep)
                na = w
            if na == 0:
                break

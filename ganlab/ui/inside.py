"""The "Look inside" panel: neuron maps, the ideal discriminator, the gradient field
and the training timeline, wired to the page (drawn by static/inside.js).

The timeline is the history's snapshots (`History.snapshots`, the same replay as
the Figure control's GIF): every model has them, trained here, loaded, pre-trained
or trained on the command line.

Cost: nothing is computed while the panel is closed (the snapshots are the
history's, taken whether the panel is open or not); while it is open, its arrays
go to the painter in one buffer of their own, at most every EVERY redraws while
playing, at low resolution (inside.NEURON_RES).
"""
from __future__ import annotations

import json

import numpy as np

from pyscript import window

from .. import encodings, fields, inside
from .dom import el, on, proxy

EVERY = 6       # while playing, the panel is refreshed on every EVERY-th redraw (10 a second at 60)


class Inside:
    def __init__(self, app):
        self.app = app
        self.js = window.ganlabInside
        self.open = False
        self.live = True
        self._renders = 0
        self._scrub = None            # (history, count of snapshots, last epoch) on the scrubber
        self.probe_uv = None          # the probe's place in the noise square, (u, v)
        self.line_from = None         # where a Shift-drawn line in noise space starts
        self.js.setProbeHandler(proxy(self.set_probe))
        on(el("inside-toggle"), "click", lambda e: self.set_open(not self.open))
        on(el("inside-ideal"), "change", lambda e: self.refresh())
        on(el("inside-field"), "change", lambda e: self.refresh())
        on(el("inside-time"), "input", lambda e: self.scrub(int(el("inside-time").value)))
        on(el("inside-live"), "click", lambda e: self.go_live())

    def set_open(self, open_: bool) -> None:
        """Open or close the panel; closed, it computes and shows nothing."""
        self.open = open_
        el("inside-toggle").setAttribute("aria-expanded", "true" if open_ else "false")
        el("inside-body").hidden = not open_
        if open_:
            self.refresh()
        else:
            self.go_live(quiet=True)
            self.js.close()

    def render(self) -> None:
        """Called with every redraw of the main view: refresh the panel if it is open
        (every EVERY-th redraw while playing)."""
        if not self.open:
            return
        if not self.live and self.app.loop.playing:
            self.go_live(quiet=True)        # Play returns to the present
        self._renders += 1
        if self.app.loop.playing and self._renders % EVERY:
            return
        self.refresh()

    def refresh(self) -> None:
        """Compute the panel's arrays now and send them in one buffer."""
        if not self.open:
            return
        t = self.app.trainer
        if not (np.isfinite(t.G.params).all() and np.isfinite(t.D.params).all()):
            return
        parts, layout, at = [], {}, 0
        notes = []
        caps = inside.unit_caps(t)
        for net in ("d", "g"):
            maps = inside.neuron_maps(t, net, cap=caps[net])
            if maps is None:
                layout[net] = None
                continue
            shade = maps.shade.ravel()
            layout[net] = {"off": at, "res": maps.maps.shape[1], "layer": maps.layer.tolist(),
                           "index": maps.index.tolist()}
            parts.append(shade)
            at += shade.size
            if maps.left_out:
                notes.append(("Discriminator: " if net == "d" else "Generator: ") + maps.left_out)
        if layout["g"] is None:
            notes.append("The generator's units are shown with 2D noise only (the noise square "
                         "is then a picture)." if t.G.n_layers > 1 else "The generator has no hidden layer.")
        if layout["d"] is None:
            notes.append("The discriminator has no hidden layer.")
        layout["ideal"] = None
        sentence = ""
        if el("inside-ideal").checked:
            ideal = inside.ideal_discriminator(t)
            layout["ideal"] = {"off": at, "res": ideal.ideal.shape[0]}
            parts.append(ideal.ideal.ravel())
            at += ideal.ideal.size
            sentence = ideal.sentence
        s = t.settings
        noise = fields.noise_view(s["noise"], t.show_noise)
        grid = fields.noise_grid_view(t)
        layout["noise"] = {"off": at, "n": len(noise)}
        layout["grid"] = {"off": at + noise.size, "n": len(grid), "curve": s["noise_dim"] == 1}
        parts += [noise.ravel(), grid.ravel()]
        at += noise.size + grid.size
        lo, hi = (-1.0, 1.0) if s["noise"] == "uniform" else (-3.0, 3.0)
        self.js.setDims(max(0, s["noise_dim"] - 2), lo, hi)
        layout["field"] = None
        if el("inside-field").checked:
            pts, arrows = inside.gradient_field(t)
            layout["field"] = {"off": at, "n": len(pts)}
            parts += [pts.ravel(), encodings.arrow_offsets(arrows).ravel()]     # as drawn
            at += 2 * pts.size
        _text("inside-ideal-text", sentence)
        _text("inside-left-out", " ".join(notes))
        buf = np.concatenate(parts) if parts else np.zeros(1)
        self.js.update(buf, json.dumps(layout))
        if self.probe_uv is not None:
            self._send_probe()
        self._scrubber()

    # ----- the noise-space probe -----------------------------------------------------------------
    def set_probe(self, u, v, u0, v0) -> None:
        """The probe moved to (u, v) in the noise square (from the pointer or the arrow
        keys); (u0, v0) is where a Shift-drawn line starts, or negative for none."""
        self.probe_uv = (float(u), float(v))
        self.line_from = (float(u0), float(v0)) if u0 >= 0 else None
        if self.open:
            self._send_probe()

    def _send_probe(self) -> None:
        """G(z) for the probe (and the image curve of the line) to the painter, in words too."""
        t = self.app.trainer
        kind, dim = t.settings["noise"], t.settings["noise_dim"]
        uv = np.array(self.probe_uv)
        z = inside.noise_from_view(kind, dim, uv)[0]
        extra = [el(f"inside-z{k}") for k in range(3, dim + 1)]
        z[2:] = [float(node.value) if node is not None else 0.0 for node in extra]
        gz = inside.probe(t, z)[0]
        # Marked where the noise square places z (1D noise: on its line, the middle row).
        uv = fields.noise_view(kind, z[None, :])[0]
        line, curve = np.full(4, -1.0), np.zeros(0)
        if self.line_from is not None:
            z0 = inside.noise_from_view(kind, dim, np.array(self.line_from))[0]
            z0[2:] = z[2:]
            curve = inside.noise_line(t, z0, z, n=51)[1]
            line = np.array([*fields.noise_view(kind, z0[None, :])[0], *uv])
        if not np.isfinite(gz).all() or not np.isfinite(curve).all():
            return
        self.js.showProbe(np.concatenate((uv, gz, line, curve.ravel())), len(curve))
        shown = ", ".join(f"{c:.2f}" for c in z[:2])
        rest = (f" (z3 to z{dim} from the sliders: " + ", ".join(f"{c:.2f}" for c in z[2:]) + ")"
                if dim > 2 else "")
        text = f"Probe z = ({shown}){rest}: G(z) = ({gz[0]:.2f}, {gz[1]:.2f}), marked in orange in the view"
        if self.line_from is not None:
            text += "; the orange curve is the line's image"
        _text("inside-probe-text", text + ".")

    # ----- the timeline: the history's snapshots -------------------------------------------------
    def _scrubber(self) -> None:
        """Keep the scrubber's range in step with the snapshots (its end is now)."""
        h = self.app.trainer.history
        snaps = h.snapshots
        key = (id(h), len(snaps), snaps[-1][0] if snaps else -1)
        if key == self._scrub:
            return
        self._scrub = key
        box = el("inside-time")
        box.max = str(max(0, len(snaps) - 1))
        if self.live:
            box.value = box.max
            self._say_time(f"Live, epoch {self.app.trainer.epoch_count:,}")

    def _say_time(self, text: str) -> None:
        el("inside-time").setAttribute("aria-valuetext", text)
        _text("inside-time-text", text)

    def scrub(self, i: int) -> None:
        """Show the i-th snapshot of the history in the view (training pauses), with the
        losses, KL/JS and precision/recall of the history's latest rows at or before its
        epoch."""
        t = self.app.trainer
        h = t.history
        if not h.snapshots:
            return
        if self.app.loop.playing:
            self.app.set_playing(False)
        snap = h.moment(max(0, min(i, len(h.snapshots) - 1)))
        self.live = False
        losses = ""
        if snap.d_loss is not None and snap.g_loss is not None:
            losses = f", D loss {snap.d_loss:.3f}, G loss {snap.g_loss:.3f}"
        kl = "" if snap.kl is None else f", KL {snap.kl:.2f} bits, JS {snap.js:.3f} bits"
        pr = ("" if snap.precision is None or snap.recall is None else
              f", precision {round(100 * snap.precision)} %, recall {round(100 * snap.recall)} %")
        text = f"Epoch {snap.epoch:,} of {t.epoch_count:,}{losses}{kl}{pr}"
        buf = np.concatenate((snap.heat.ravel(), snap.fake.ravel(), t.show_real.ravel()))
        self.js.showPast(buf, snap.heat.shape[0], len(snap.fake), len(t.show_real),
                         f"The past: {text}")
        self._say_time(text)

    def go_live(self, quiet: bool = False) -> None:
        """Back to the present: the view shows the model as it is now."""
        self.live = True
        self.js.live()
        self._scrub = None
        self._scrubber()
        if not quiet:
            self.app.loop.dirty = True


def _text(id_: str, text: str) -> None:
    node = el(id_)
    if node.textContent != text:
        node.textContent = text


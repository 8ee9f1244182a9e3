// The descent animation: frames advance with requestAnimationFrame at `speed` steps per
// frame; the page draws each frame (on a canvas over the plot while playing).

export class Player {
  constructor(onFrame) {
    this.onFrame = onFrame;
    this.runs = [];
    this.frame = Infinity;
    this.speed = 4;
    this.playing = false;
    this.times = [];
  }

  get maxFrame() { return this.runs.reduce((m, r) => Math.max(m, r.path.length - 1), 0); }
  get active() { return this.playing; }

  load(runs) {
    this.pause();
    this.runs = runs;
    this.frame = runs.length ? 0 : Infinity;
  }

  play() {
    if (!this.runs.length || this.playing) return;
    if (this.frame >= this.maxFrame) this.frame = 0;
    this.playing = true;
    this.times = [];
    const tick = (now) => {
      if (!this.playing) return;
      this.times.push(now);
      this.onFrame(this.frame, true);
      if (this.frame >= this.maxFrame) { this.finish(); return; }
      this.frame = Math.min(this.maxFrame, this.frame + this.speed);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }

  finish() {
    this.playing = false;
    const t = this.times;
    if (t.length > 2) window.__gs.fps = (t.length - 1) / ((t[t.length - 1] - t[0]) / 1000);
    this.onFrame(this.frame, false);
  }

  pause() {
    if (!this.playing) return;
    this.playing = false;
    this.onFrame(this.frame, false);
  }

  step() {
    if (!this.runs.length) return;
    this.playing = false;
    if (!Number.isFinite(this.frame) || this.frame >= this.maxFrame) this.frame = 0;
    else this.frame += 1;
    this.onFrame(this.frame, false);
  }

  reset() {
    if (!this.runs.length) return;
    this.playing = false;
    this.frame = 0;
    this.onFrame(0, false);
  }
}

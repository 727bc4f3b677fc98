// Announcer: one polite live region; progress at most every few seconds, other news batched.
class Announcer {
  constructor(region) {
    this.region = region;
    this.queue = [];
    this.timer = null;
    this.lastProgress = 0;
  }
  say(text) {
    this.queue.push(text);
    if (!this.timer) this.timer = setTimeout(() => this.flush(), 400);
  }
  progress(text, now) {
    if (now - this.lastProgress < 6000) return;
    this.lastProgress = now;
    this.say(text);
  }
  flush() {
    this.timer = null;
    const text = this.queue.splice(0).join(". ");
    if (!text) return;
    this.region.textContent = "";
    // A fresh text node after clearing makes screen readers read it even when it repeats.
    requestAnimationFrame(() => { this.region.textContent = text; });
  }
}

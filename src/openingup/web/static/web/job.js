// The job page follows its job: every 2 seconds it asks /jobs/<id>.json for the state and shows it.
// When the job has ended, the page reloads to show the outcome. Without JavaScript a <noscript>
// refresh reloads the whole page instead.
(() => {
  const box = document.querySelector("[data-job]");
  if (!box) {
    return;
  }
  const url = box.dataset.url;
  const state = box.querySelector("[data-job-state]");
  const message = box.querySelector("[data-job-message]");
  const bar = box.querySelector("progress");
  const percent = box.querySelector("[data-job-percent]");
  const INTERVAL = 2000;

  const show = (job) => {
    const detail = job.message ? ` — ${job.message}` : "";
    // Only real changes touch the live region, so screen readers hear changes, not every poll.
    if (state.textContent !== job.status_text) {
      state.textContent = job.status_text;
    }
    if (message.textContent !== detail) {
      message.textContent = detail;
    }
    bar.value = job.progress;
    bar.textContent = `${job.progress}%`;
    percent.textContent = `${job.progress}%`;
  };

  const poll = async () => {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (response.ok) {
        const job = await response.json();
        if (job.finished) {
          window.location.reload();
          return;
        }
        show(job);
      }
    } catch (error) {
      // A network hiccup or a login page instead of JSON: try again at the next interval.
    }
    window.setTimeout(poll, INTERVAL);
  };

  window.setTimeout(poll, INTERVAL);
})();

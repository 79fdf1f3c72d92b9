// The back office's status form: choosing a canned reply fills the message at once (for the chosen
// new status). Without this file the "Use this reply" button does the same on the server.
(() => {
  "use strict";
  const form = document.getElementById("status-form");
  const data = document.getElementById("reply-texts");
  if (!form || !data) {
    return;
  }
  const texts = JSON.parse(data.textContent);
  const status = form.querySelector("select[name=status]");
  const reply = form.querySelector("select[name=reply]");
  const message = form.querySelector("textarea[name=message]");
  reply.addEventListener("change", () => {
    const choices = texts[reply.value];
    if (!choices) {
      return;
    }
    if (!choices[status.value]) {
      const first = Object.keys(choices)[0];
      if (first) {
        status.value = first;
      }
    }
    if (choices[status.value] !== undefined) {
      message.value = choices[status.value];
    }
  });
})();

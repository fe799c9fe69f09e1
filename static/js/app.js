/* Small enhancements of the server-rendered pages. Everything works without them: the forms post,
 * and the permission checks are the server's. (Loaded from this origin: the production CSP allows
 * no inline script.) */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // The language switch and the organisation switch submit as soon as a choice is made.
  document.querySelectorAll("form[data-autosubmit] select, select[data-autosubmit-select]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  function csrfToken() {
    var meta = document.querySelector("meta[name=csrf-token]");
    if (meta) { return meta.content; }
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // Evidence player: ask the API for a short-lived link (logged in the chain of custody) and play it
  // in the page. The server answers HTTP Range requests, so the video can be sought.
  var player = document.getElementById("player");
  if (player) {
    var video = player.querySelector("video");
    var audio = player.querySelector("audio");
    var image = player.querySelector("img");
    var title = player.querySelector(".player-title");
    var error = player.querySelector(".player-error");
    var playing = null;

    var access = function (id) {
      return fetch(player.dataset.accessBase + id + "/access/", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), "Accept": "application/json" },
        body: JSON.stringify({ download: false })
      }).then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) { throw new Error(body.detail || response.status); }
          return body.url;
        });
      });
    };

    var open = function (button, resumeAt) {
      var kind = button.dataset.kind;
      var id = button.dataset.evidence;
      error.hidden = true;
      return access(id).then(function (url) {
        player.hidden = false;
        title.textContent = button.dataset.title;
        [video, audio, image].forEach(function (el) { el.hidden = true; });
        if (kind === "video" || kind === "audio") {
          var media = kind === "video" ? video : audio;
          (kind === "video" ? audio : video).pause();
          media.hidden = false;
          media.dataset.evidence = id;
          media.src = url;
          if (resumeAt) {
            media.addEventListener("loadedmetadata", function once() {
              media.removeEventListener("loadedmetadata", once);
              media.currentTime = resumeAt;
            });
          }
          playing = { button: button, media: media };
        } else if (kind === "photo") {
          image.hidden = false;
          image.src = url;
          image.alt = button.dataset.title;
        } else {
          window.open(url, "_blank", "noopener");
        }
        player.scrollIntoView({ behavior: "smooth", block: "nearest" });
      }).catch(function (e) {
        player.hidden = false;
        error.hidden = false;
        error.textContent = "无法播放：" + e.message;
      });
    };

    document.querySelectorAll("button.play").forEach(function (button) {
      button.addEventListener("click", function () { open(button, 0); });
    });

    // A link lives a few minutes: when a paused recording's link has expired, get a new one and
    // continue where it was.
    [video, audio].forEach(function (media) {
      media.addEventListener("error", function () {
        if (!playing || playing.media !== media || media.dataset.retried) { return; }
        media.dataset.retried = "1";
        open(playing.button, media.currentTime || 0);
      });
    });
  }
})();

/* Evidence upload with a progress bar, in chunks through the resumable-upload API (SPEC §6):
 *   1. hash the file (SHA-256, slice by slice), 2. POST …/evidence/uploads/ with the metadata, size
 *   and hash, 3. PUT each missing part, retrying with back-off when the connection drops,
 *   4. POST …/upload/complete/ — the server recomputes the hash and verifies the record.
 * The session (evidence id + hash) is remembered in localStorage, so choosing the same file again
 * after a reload or a lost connection resumes with the parts the store does not have yet.
 * Authentication is the page's session cookie; the CSRF token comes from the form. */
(function () {
  "use strict";

  var form = document.getElementById("evidence-form");
  if (!form || !window.fetch || !window.XMLHttpRequest || !window.Sha256) { return; }

  var startUrl = form.dataset.startUrl;
  var baseUrl = form.dataset.baseUrl;
  var doneUrl = form.dataset.doneUrl;
  var caseId = form.dataset.case;
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var box = document.getElementById("upload-progress");
  var bar = box.querySelector("progress");
  var text = box.querySelector(".progress-text");
  var resumeButton = document.getElementById("upload-resume");
  var cancelButton = document.getElementById("upload-cancel");
  var submitButton = form.querySelector("button[type=submit]");
  var HASH_SLICE = 4 * 1024 * 1024;
  var RETRIES = [1000, 2000, 4000, 8000, 15000, 30000];
  var current = null; // {file, evidence, sha256, partSize, partsTotal, missing}

  function storageKey(file) {
    return "zhifa-upload:" + caseId + ":" + file.name + ":" + file.size + ":" + file.lastModified;
  }
  function remember(file, session) {
    try { localStorage.setItem(storageKey(file), JSON.stringify(session)); } catch (e) { /* private mode */ }
  }
  function recall(file) {
    try { return JSON.parse(localStorage.getItem(storageKey(file)) || "null"); } catch (e) { return null; }
  }
  function forget(file) {
    try { localStorage.removeItem(storageKey(file)); } catch (e) { /* private mode */ }
  }

  function show(message, fraction, state) {
    box.hidden = false;
    box.dataset.state = state || "running";
    text.textContent = message;
    if (fraction !== null && fraction !== undefined) { bar.value = Math.round(fraction * 1000) / 10; }
  }

  function clearErrors() {
    form.querySelectorAll(".js-error").forEach(function (el) { el.remove(); });
  }
  function fieldError(name, messages) {
    var input = form.querySelector("[name=" + name + "]");
    var list = document.createElement("ul");
    list.className = "errorlist js-error";
    [].concat(messages).forEach(function (m) {
      var item = document.createElement("li");
      item.textContent = typeof m === "string" ? m : JSON.stringify(m);
      list.appendChild(item);
    });
    if (input && input.closest(".field")) {
      input.closest(".field").insertBefore(list, input);
    } else {
      list.classList.add("errorbox");
      form.insertBefore(list, form.firstChild);
    }
  }
  function showApiError(body, fallback) {
    var errors = (body && body.errors) || {};
    var shown = false;
    Object.keys(errors).forEach(function (name) {
      if (name === "unmet" || name === "missing") { return; }
      fieldError(form.querySelector("[name=" + name + "]") ? name : "__all__", errors[name]);
      shown = true;
    });
    if (!shown) { fieldError("__all__", (body && body.detail) || fallback); }
  }

  function sleep(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }

  function api(method, url, body) {
    return fetch(url, {
      method: method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (response) {
      return response.text().then(function (raw) {
        var data = null;
        try { data = raw ? JSON.parse(raw) : null; } catch (e) { data = { detail: raw }; }
        return { status: response.status, ok: response.ok, body: data };
      });
    });
  }

  function hashFile(file) {
    var sha = new window.Sha256();
    var offset = 0;
    function next() {
      if (offset >= file.size) { return Promise.resolve(sha.hex()); }
      var end = Math.min(offset + HASH_SLICE, file.size);
      return file.slice(offset, end).arrayBuffer().then(function (buffer) {
        sha.update(new Uint8Array(buffer));
        offset = end;
        show("正在计算 SHA-256 校验值… " + Math.floor((offset / file.size) * 100) + "%", offset / file.size * 0.1);
        return next();
      });
    }
    return next();
  }

  function metadata(file) {
    var data = new FormData(form);
    var meta = {
      size: file.size,
      filename: file.name,
      content_type: file.type || "application/octet-stream"
    };
    ["title", "kind", "category", "activity", "captured_at", "device", "duration_seconds"].forEach(function (name) {
      var value = data.get(name);
      if (value !== null && value !== "") { meta[name] = value; }
    });
    return meta;
  }

  /* One part by XMLHttpRequest: fetch cannot report upload progress. Resolves with the HTTP status
   * (0 when the connection dropped). */
  function putPart(number, blob, onProgress) {
    return new Promise(function (resolve) {
      var xhr = new XMLHttpRequest();
      xhr.open("PUT", baseUrl + current.evidence + "/upload/parts/" + number + "/");
      xhr.setRequestHeader("Content-Type", "application/octet-stream");
      xhr.setRequestHeader("X-CSRFToken", csrf);
      xhr.upload.onprogress = function (event) { onProgress(event.loaded); };
      xhr.onload = function () {
        var body = null;
        try { body = JSON.parse(xhr.responseText); } catch (e) { body = { detail: xhr.responseText }; }
        resolve({ status: xhr.status, body: body });
      };
      xhr.onerror = function () { resolve({ status: 0, body: null }); };
      xhr.onabort = function () { resolve({ status: 0, body: null }); };
      xhr.send(blob);
    });
  }

  function partBlob(number) {
    var start = (number - 1) * current.partSize;
    return current.file.slice(start, Math.min(start + current.partSize, current.file.size));
  }

  function sentBytes() {
    var missing = {};
    current.missing.forEach(function (n) { missing[n] = true; });
    var sent = 0;
    for (var n = 1; n <= current.partsTotal; n++) {
      if (!missing[n]) { sent += partBlob(n).size; }
    }
    return sent;
  }

  function progress(extra) {
    var fraction = (sentBytes() + (extra || 0)) / current.file.size;
    var done = current.partsTotal - current.missing.length;
    show("正在上传… " + Math.floor(fraction * 100) + "%（" + done + "/" + current.partsTotal + " 片）", 0.1 + 0.85 * fraction);
  }

  function uploadMissing() {
    if (!current.missing.length) { return Promise.resolve(true); }
    var number = current.missing[0];
    var blob = partBlob(number);
    function attempt(tries) {
      return putPart(number, blob, function (loaded) { progress(loaded); }).then(function (result) {
        if (result.status >= 200 && result.status < 300) {
          current.missing.shift();
          progress(0);
          return uploadMissing();
        }
        if (result.status === 0 || result.status >= 500) {
          if (tries >= RETRIES.length) {
            show("网络连接中断，第 " + number + " 片未能上传。已上传的部分已保存：点击“继续上传”，或稍后重新选择同一文件续传。", null, "paused");
            resumeButton.hidden = false;
            return false;
          }
          var wait = RETRIES[tries];
          show("网络连接中断，" + Math.round(wait / 1000) + " 秒后自动重试（第 " + (tries + 1) + " 次）…", null, "retrying");
          return sleep(wait).then(function () { return attempt(tries + 1); });
        }
        show("上传被拒绝：" + ((result.body && result.body.detail) || result.status), null, "failed");
        showApiError(result.body, "上传失败");
        return false;
      });
    }
    return attempt(0);
  }

  function complete() {
    show("正在合并分片并校验 SHA-256…", 0.96);
    return api("POST", baseUrl + current.evidence + "/upload/complete/").then(function (result) {
      if (result.ok) {
        forget(current.file);
        show("上传完成，已校验：SHA-256 " + result.body.sha256, 1, "done");
        form.dataset.uploaded = String(result.body.id);
        setTimeout(function () { window.location.assign(doneUrl); }, 600);
        return true;
      }
      if (result.status === 409 && result.body && result.body.errors && result.body.errors.missing) {
        current.missing = result.body.errors.missing.slice();
        return run();
      }
      show("未能完成：" + ((result.body && result.body.detail) || result.status), null, "failed");
      showApiError(result.body, "校验失败");
      return false;
    });
  }

  function run() {
    resumeButton.hidden = true;
    cancelButton.hidden = false;
    progress(0);
    return uploadMissing().then(function (ok) { return ok ? complete() : false; });
  }

  function resumeFromServer(file, saved) {
    return api("GET", baseUrl + saved.evidence + "/upload/").then(function (result) {
      if (!result.ok) { forget(file); return null; }
      return {
        file: file, evidence: saved.evidence, sha256: saved.sha256,
        partSize: result.body.part_size, partsTotal: result.body.parts_total, missing: result.body.missing
      };
    }).catch(function () { return null; });
  }

  function start(file) {
    return hashFile(file).then(function (sha256) {
      var meta = metadata(file);
      meta.sha256 = sha256;
      show("正在登记上传…", 0.1);
      return api("POST", startUrl, meta).then(function (result) {
        if (!result.ok) {
          show("未能开始上传：" + ((result.body && result.body.detail) || result.status), 0, "failed");
          showApiError(result.body, "未能开始上传");
          return null;
        }
        var session = { evidence: result.body.evidence, sha256: sha256 };
        remember(file, session);
        return {
          file: file, evidence: session.evidence, sha256: sha256,
          partSize: result.body.part_size, partsTotal: result.body.parts_total, missing: result.body.missing
        };
      });
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearErrors();
    var input = form.querySelector("input[type=file]");
    var file = input.files && input.files[0];
    if (!file) { fieldError("file", "请选择要上传的文件"); return; }
    if (!form.querySelector("[name=title]").value.trim()) { fieldError("title", "请填写证据名称"); return; }
    submitButton.disabled = true;
    var saved = recall(file);
    (saved ? resumeFromServer(file, saved) : Promise.resolve(null))
      .then(function (resumed) {
        if (resumed) { show("发现未完成的上传，继续上传缺少的 " + resumed.missing.length + " 片…", null); return resumed; }
        return start(file);
      })
      .then(function (session) {
        if (!session) { return false; }
        current = session;
        return run();
      })
      .catch(function (error) { show("上传出错：" + error, null, "failed"); })
      .then(function () { submitButton.disabled = false; });
  });

  resumeButton.addEventListener("click", function () {
    if (!current) { return; }
    submitButton.disabled = true;
    api("GET", baseUrl + current.evidence + "/upload/").then(function (result) {
      if (result.ok) { current.missing = result.body.missing; }
      return run();
    }).catch(function () { return run(); }).then(function () { submitButton.disabled = false; });
  });

  cancelButton.addEventListener("click", function () {
    if (!current) { return; }
    api("DELETE", baseUrl + current.evidence + "/upload/").then(function () {
      forget(current.file);
      show("已取消上传", 0, "cancelled");
      current = null;
      cancelButton.hidden = true;
      resumeButton.hidden = true;
    });
  });
})();

/* ketluan web UI. Plain JavaScript, no framework, nothing loaded from the network.
   Every change goes through the JSON API (/api/...); its Vietnamese errors
   ({detail: {message, hint}}) are shown in the page next to what failed. */
"use strict";

// -- shared helpers ----------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, message, hint, body) {
    super(message);
    this.status = status;
    this.hint = hint || "";
    this.body = body || {};
  }
}

// CSRF: the session's token (base.html <meta>), sent with every request that changes something.
function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

async function api(method, url, body) {
  const options = { method, headers: { Accept: "application/json", "X-CSRF-Token": csrfToken() }, credentials: "same-origin" };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url, options);
  } catch (e) {
    throw new ApiError(0, "Không kết nối được tới máy chủ.", "Kiểm tra mạng nội bộ rồi thử lại.");
  }
  return parseResponse(response.status, await response.text());
}

// Field names in the API's validation errors → what the form calls them.
const FIELD_NAMES = {
  username: "tên đăng nhập", password: "mật khẩu (ít nhất 10 ký tự)", new_password: "mật khẩu mới (ít nhất 10 ký tự)",
  role: "vai trò", unit_code: "đơn vị", full_name: "họ tên", code: "mã", name: "tên",
  title: "tên cuộc họp", date: "ngày họp", issuing_body: "cơ quan ban hành", progress: "tiến độ (0–100)",
  due_on: "hạn xử lý", content: "nội dung", action: "nội dung nhiệm vụ",
};

// Task flags (drafting/model.py, drafting/task_sentences.py) → what the drafter should check.
const TASK_FLAGS = {
  quote_not_found: "câu trích không có trong bản ghi",
  guessed: "máy đoán từ một câu không rõ mẫu: xem lại đơn vị chủ trì và nội dung",
};

function parseResponse(status, text) {
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
  if (status >= 200 && status < 300) return data;
  if (status === 401 && document.body.dataset.page !== "login") {  // session expired
    location.href = "/login?next=" + encodeURIComponent(location.pathname + location.search);
  }
  const d = data && data.detail;
  if (d && typeof d === "object" && d.code === "validation" && Array.isArray(d.errors)) {
    const fields = d.errors.map((e) => FIELD_NAMES[e.field] || e.field || "(biểu mẫu)");
    throw new ApiError(status, `Thông tin chưa hợp lệ ở: ${[...new Set(fields)].join(", ")}.`, d.hint, d);
  }
  if (d && typeof d === "object" && d.message) throw new ApiError(status, d.message, d.hint, d);
  throw new ApiError(status, `Máy chủ trả lỗi ${status}.`, "Thử lại sau ít phút; nếu lỗi lặp lại, báo quản trị viên.");
}

/** POST a file with upload progress (XHR: fetch has no upload progress). */
function uploadFile(url, file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const form = new FormData();
    form.append("file", file, file.name);
    xhr.open("POST", url);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("X-CSRF-Token", csrfToken());
    xhr.upload.onprogress = (e) => { if (e.lengthComputable && onProgress) onProgress(e.loaded / e.total); };
    xhr.onload = () => {
      try { resolve(parseResponse(xhr.status, xhr.responseText)); } catch (e) { reject(e); }
    };
    xhr.onerror = () => reject(new ApiError(0, "Mất kết nối khi đang tải lên; tệp chưa được lưu.", "Kiểm tra mạng rồi tải lên lại."));
    xhr.send(form);
  });
}

function $(sel, root) { return (root || document).querySelector(sel); }
function $$(sel, root) { return Array.from((root || document).querySelectorAll(sel)); }

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

function showError(box, err) {
  if (!box) { flash(err.message, true); return; }
  // a hint that sends to the Excel template comes with the download link itself
  const template = /mẫu Excel/.test(err.hint || "")
    ? [" ", el("a", { href: "/api/tracking/template.xlsx", download: "" }, "Tải mẫu Excel")] : [];
  box.replaceChildren(...[el("strong", {}, err.message || String(err)), err.hint ? el("br") : null, err.hint || "", ...template].filter((x) => x !== null));
  box.hidden = false;
  box.scrollIntoView({ block: "nearest" });
}

// The browser's own form checks speak the browser's language (English on many machines):
// each refused field says it in Vietnamese instead. A field's own message (dates.js) is kept.
document.addEventListener("invalid", (e) => {
  const f = e.target, v = f.validity;
  if (!v || v.customError) return;
  const label = (f.closest("label")?.childNodes[0]?.textContent || "").trim();
  const what = label ? `“${label}”` : "ô này";
  f.setCustomValidity(
    v.valueMissing ? (f.type === "file" ? "Chưa chọn tệp." : `Chưa điền ${what}.`)
    : v.tooShort ? `${what} cần ít nhất ${f.minLength} ký tự.`
    : v.patternMismatch ? (f.title || `${what} không đúng dạng.`)
    : v.typeMismatch ? `${what} không đúng dạng.`
    : v.rangeUnderflow || v.rangeOverflow ? `${what} phải từ ${f.min} đến ${f.max}.`
    : `${what} chưa hợp lệ.`);
  f.addEventListener("input", () => f.setCustomValidity(""), { once: true });
}, true);

/** "2026-12-04T11:03:00Z" → "04/12/2026 18:03" (local time, two-digit day and month). */
function vnDateTime(iso) {
  const d = new Date(iso), two = (n) => String(n).padStart(2, "0");
  return `${two(d.getDate())}/${two(d.getMonth() + 1)}/${d.getFullYear()} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** A confirmation shown after the page reloads (saving often reloads the page). */
function flashNext(text) {
  sessionStorage.setItem("ketluan.flash", text);
}

document.addEventListener("DOMContentLoaded", () => {
  const text = sessionStorage.getItem("ketluan.flash");
  if (text) { sessionStorage.removeItem("ketluan.flash"); flash(text); }
});

function clearError(box) { if (box) { box.hidden = true; box.textContent = ""; } }

function flash(text, isError) {
  const box = $("#flash");
  box.textContent = text;
  box.className = "flash" + (isError ? " error" : "");
  box.hidden = false;
  clearTimeout(flash.timer);
  flash.timer = setTimeout(() => { box.hidden = true; }, 4000);
}

function clock(seconds) {
  const s = Math.max(0, Math.floor(seconds || 0));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const mm = String(m).padStart(2, "0"), ss = String(r).padStart(2, "0");
  return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

function formData(form) {
  const data = {};
  for (const [k, v] of new FormData(form).entries()) if (!(v instanceof File)) data[k] = v.normalize("NFC").trim();
  return data;
}

function setProgress(box, fraction, label) {
  box.hidden = false;
  $(".bar span", box).style.width = `${Math.round(fraction * 100)}%`;
  const text = $("[data-label]", box);
  if (text && label) text.textContent = label;
}

function busy(button, on) { if (button) button.disabled = on; }

function playFrom(audio, seconds) {
  if (!audio) return;
  audio.currentTime = Math.max(0, seconds || 0);
  audio.play().catch(() => {});
}

// -- every page: sign out ----------------------------------------------------------------

document.addEventListener("DOMContentLoaded", () => {
  const logout = $("#logout");
  if (logout) logout.addEventListener("click", async () => {
    try { await api("POST", "/api/auth/logout"); } catch (e) { /* signed out anyway */ }
    location.href = "/login";
  });
  const page = PAGES[document.body.dataset.page];
  if (page) page();
});

const PAGES = {};

document.addEventListener("change", (e) => {
  const input = e.target;
  if (input.type !== "file" || !input.closest(".picker")) return;
  const name = input.closest(".picker").querySelector(".picked");
  if (name) name.textContent = input.files.length ? input.files[0].name : "Chưa chọn tệp";
});

// -- login and account -------------------------------------------------------------------

PAGES.login = () => {
  const form = $("#login-form");
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const box = $("[data-error]", form);
    clearError(box);
    busy($("button", form), true);
    try {
      await api("POST", "/api/auth/login", formData(form));
      location.href = form.dataset.next || "/";
    } catch (err) {
      showError(box, err);
      busy($("button", form), false);
    }
  });
};

PAGES.account = () => {
  const form = $("#password-form");
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const box = $("[data-error]", form);
    clearError(box);
    const data = formData(form);
    if (data.new_password !== data.again) {
      showError(box, { message: "Hai lần nhập mật khẩu mới không khớp.", hint: "Nhập lại cho giống nhau." });
      return;
    }
    try {
      await api("POST", "/api/auth/password", { old_password: data.old_password, new_password: data.new_password });
      // The server signs the account out everywhere after a password change.
      window.location.assign("/login?changed=1");
    } catch (err) { showError(box, err); }
  });
};

// -- the notice's number, signer and recipients (upload form and draft page) -------------

// Placeholders show the format's defaults: an empty field takes them when drafting.
function noticeDefaults(form, defaults) {
  for (const field of $$("[data-default]", form)) field.placeholder = defaults[field.dataset.default] || "";
}

function noticeValues(data) {
  return {
    notice_number: data.notice_number || "", concluded_by: data.concluded_by || "",
    signer_authority: data.signer_authority || "", signer_title: data.signer_title || "",
    signer_name: data.signer_name || "",
    recipients: (data.recipients || "").split("\n").map((s) => s.trim()).filter(Boolean),
  };
}

function wireNoticeForm(form, meetingId) {
  noticeDefaults(form, JSON.parse(form.dataset.defaults));
  const box = $("[data-error]", form), saved = $("[data-saved]", form);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearError(box);
    saved.hidden = true;
    try {
      await api("PATCH", `/api/meetings/${meetingId}/notice`, noticeValues(formData(form)));
      saved.hidden = false;
    } catch (err) { showError(box, err); }
  });
}

// -- upload ------------------------------------------------------------------------------

PAGES.upload = () => {
  const form = $("#upload-form");
  const drop = $("#drop"), input = $("#file"), box = $("[data-error]", form);
  let file = null, meetingId = null;
  const defaults = JSON.parse(form.dataset.defaults);
  // /upload?meeting=ID: the recording of a meeting that has none yet (a failed upload)
  const existing = new URLSearchParams(location.search).get("meeting");
  if (/^\d+$/.test(existing || "")) {
    meetingId = parseInt(existing, 10);
    api("GET", `/api/meetings/${meetingId}`).then((m) => {
      // every field the form sends back, so attaching or replacing a recording keeps them
      for (const k of ["title", "issuing_body", "superior_body", "place", "chair", "glossary", "notice_number",
        "concluded_by", "signer_authority", "signer_title", "signer_name"]) {
        const f = $(`[name=${k}]`, form);
        if (f && m[k]) f.value = m[k];
      }
      for (const k of ["attendees", "recipients"]) {
        const f = $(`[name=${k}]`, form);
        if (f && m[k] && m[k].length) f.value = m[k].join("\n");
      }
      const radio = $(`input[name=format][value=${m.format === "party" ? "party" : "state"}]`, form);
      if (radio) radio.checked = true;
      const day = $("[data-date-of=date]", form), hidden = $("input[type=hidden][name=date]", form);
      if (m.date && day && hidden) { hidden.value = m.date; day.value = VN_DATE.fromIso(m.date); }
      const h = $("h1");
      if (h) h.textContent = m.audio ? `Thay bản ghi của cuộc họp #${meetingId} (bản cũ: ${m.audio.original_name || "không tên"})`
        : `Tải bản ghi cho cuộc họp #${meetingId}`;
    }).catch((err) => showError(box, err));
  }
  const byFormat = () => noticeDefaults(form, defaults[(formData(form).format || "state")]);
  for (const radio of $$("input[name=format]", form)) radio.addEventListener("change", byFormat);

  // Remember the issuing body and format for the next meeting (this browser only).
  for (const field of $$("[data-remember]", form)) {
    const key = "ketluan." + field.name;
    const saved = localStorage.getItem(key);
    if (field.type === "radio") { if (saved) field.checked = field.value === saved; }
    else if (saved && !field.value) field.value = saved;
  }
  byFormat();

  const choose = (f) => {
    file = f;
    $("#file-name").textContent = f ? `${f.name} (${f.size >= 1e6 ? (f.size / 1e6).toFixed(1) + " MB" : Math.ceil(f.size / 1024) + " KB"})` : "";
    clearError(box);
  };
  input.addEventListener("change", () => choose(input.files[0] || null));
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    if (e.dataTransfer.files.length) choose(e.dataTransfer.files[0]);
  });
  drop.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") input.click(); });

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearError(box);
    const data = formData(form);
    const missing = [];
    if (!data.issuing_body) missing.push("cơ quan ban hành");
    if (!data.title) missing.push("tên cuộc họp");
    if (!data.date) missing.push("ngày họp");
    if (missing.length) {
      showError(box, { message: `Còn thiếu: ${missing.join(", ")}.`, hint: "Điền đủ rồi bấm tải lên lại." });
      return;
    }
    if (!file) {
      showError(box, { message: "Chưa chọn tệp ghi âm.", hint: "Kéo thả tệp vào khung hoặc bấm “chọn tệp”." });
      return;
    }
    const meeting = {
      title: data.title, issuing_body: data.issuing_body, superior_body: data.superior_body || "",
      date: data.date, place: data.place || "", chair: data.chair || "",
      attendees: (data.attendees || "").split("\n").map((s) => s.trim()).filter(Boolean),
      format: data.format || "state", glossary: data.glossary || "",
      ...noticeValues(data),
    };
    const button = $("#upload-submit");
    busy(button, true);
    const progress = $("#upload-progress");
    try {
      // The meeting is created once; a failed upload keeps it, so a retry does not duplicate it.
      if (meetingId === null) {
        if (data.unit_code) meeting.unit_code = data.unit_code;
        meetingId = (await api("POST", "/api/meetings", meeting)).id;
      } else {
        await api("PATCH", `/api/meetings/${meetingId}`, meeting);
      }
      for (const field of $$("[data-remember]", form)) {
        if (field.type !== "radio" || field.checked) localStorage.setItem("ketluan." + field.name, field.value);
      }
      setProgress(progress, 0, "Đang tải lên… 0%");
      await uploadFile(`/api/meetings/${meetingId}/audio`, file, (f) =>
        setProgress(progress, f, `Đang tải lên… ${Math.round(f * 100)}%`));
      setProgress(progress, 1, "Đã tải lên. Đang chuyển tới danh sách…");
      location.href = `/meetings#m${meetingId}`;
    } catch (err) {
      progress.hidden = true;
      showError(box, err);
      busy(button, false);
    }
  });
};

// -- meetings and jobs (live) ------------------------------------------------------------

const STAGE_ORDER = ["queued", "transcribing", "diarizing", "drafting", "done"];

function paintJob(box, job) {
  box.dataset.state = job.state;
  $("[data-state-name]", box).textContent = job.state_name;
  const active = !["done", "failed", "cancelled"].includes(job.state);
  $("[data-percent]", box).textContent = active ? `${Math.round(job.progress * 100)}%` : "";
  $(".bar span", box).style.width = `${Math.round((job.state === "done" ? 1 : job.progress) * 100)}%`;
  const at = STAGE_ORDER.indexOf(job.state);
  for (const li of $$(".stages li", box)) {
    const i = STAGE_ORDER.indexOf(li.dataset.stage);
    li.className = job.state === "done" ? "past" : i < at ? "past" : i === at ? "now" : "";
  }
  const notes = $("[data-notes]", box);
  if (notes) notes.replaceChildren(...(job.notes || []).map((n) => el("div", { class: "muted note" }, n)));
  const errorBox = $("[data-job-error]", box);
  if (job.error) {
    $("[data-msg]", errorBox).textContent = job.error.message;
    $("[data-hint]", errorBox).textContent = job.error.hint;
    errorBox.hidden = false;
  } else errorBox.hidden = true;
}

function followJob(box, onFinal) {
  const id = box.dataset.job;
  if (["done", "failed", "cancelled"].includes(box.dataset.state)) return;
  const source = new EventSource(`/api/jobs/${id}/events`);
  box.eventSource = source;  // closed if the live meetings list drops this row
  source.addEventListener("job", (e) => {
    const job = JSON.parse(e.data);
    paintJob(box, job);
    if (["done", "failed", "cancelled"].includes(job.state)) {
      source.close();
      if (onFinal) onFinal(job);
    }
  });
  source.addEventListener("gone", () => source.close());
  source.onerror = () => { if (source.readyState === EventSource.CLOSED) source.close(); };
}

function startJobs(root, onFinal) {
  for (const box of $$(".job", root)) {
    const at = STAGE_ORDER.indexOf(box.dataset.state);
    for (const li of $$(".stages li", box)) {
      const i = STAGE_ORDER.indexOf(li.dataset.stage);
      li.className = box.dataset.state === "done" ? "past" : i < at ? "past" : i === at ? "now" : "";
    }
    followJob(box, onFinal);
  }
}

function wireJobs(root, onFinal) {
  startJobs(root, onFinal);
  root.addEventListener("click", async (e) => {
    const button = e.target.closest("[data-retry]");
    if (!button) return;
    const box = button.closest(".job");
    busy(button, true);
    try {
      const job = await api("POST", `/api/jobs/${button.dataset.retry}/retry`);
      paintJob(box, job);
      followJob(box, onFinal);
      flash("Đã xếp hàng chạy lại.");
    } catch (err) { showError($("[data-job-error]", box), err); }
    busy(button, false);
  });
}

PAGES.meetings = () => {
  wireJobs(document);
  // A meeting with no recording (a failed or duplicate upload) can be deleted from the list.
  document.addEventListener("click", async (e) => {
    const b = e.target.closest("[data-delete-meeting]");
    if (!b) return;
    if (!confirm(`Xóa cuộc họp “${b.dataset.title}” cùng bản ghi, bản chép lời và dự thảo của nó? Việc này không hoàn tác được.`)) return;
    busy(b, true);
    try {
      await api("DELETE", `/api/meetings/${b.dataset.deleteMeeting}`);
      flashNext(`Đã xóa cuộc họp “${b.dataset.title}”.`);
      location.reload();
    } catch (err) { flash(err.message, true); busy(b, false); }
  });
  const target = location.hash.match(/^#m(\d+)$/);
  if (target) {
    const row = $(`tr[data-meeting="${target[1]}"]`);
    if (row) { row.classList.add("highlight"); row.style.background = "#fff8d9"; }
  }
  liveMeetings($("#meeting-list"));
};

// -- meetings list: live ------------------------------------------------------------------
// Every few seconds (while the tab is visible) ask /api/meetings/changes whether anything the
// user may see changed; if so, fetch this same page and bring its list in row by row: new and
// changed rows in, deleted rows out, rows in progress left alone (their SSE keeps them live).

const LIVE_LIST_SECONDS = 5;

function liveMeetings(list) {
  if (!list) return;
  let key = list.dataset.key, busyNow = false;
  async function poll() {
    if (busyNow || document.visibilityState !== "visible") return;
    busyNow = true;
    try {
      const state = await api("GET", "/api/meetings/changes");
      if (state.key !== key) {
        const response = await fetch(location.pathname + location.search, { credentials: "same-origin" });
        if (response.ok) {
          const fresh = new DOMParser().parseFromString(await response.text(), "text/html").getElementById("meeting-list");
          if (fresh) { mergeMeetings(list, fresh); key = fresh.dataset.key; }
        }
      }
    } catch (err) { /* offline for a moment: try again next time */ }
    busyNow = false;
  }
  setInterval(poll, LIVE_LIST_SECONDS * 1000);
  document.addEventListener("visibilitychange", poll);
}

function mergeMeetings(list, fresh) {
  const stop = (root) => { for (const box of $$(".job", root)) if (box.eventSource) box.eventSource.close(); };
  const body = $("tbody", list), freshBody = $("tbody", fresh);
  if (!body || !freshBody) {  // the list became empty, or the first meeting arrived
    stop(list);
    list.replaceChildren(...Array.from(fresh.childNodes).map((n) => document.importNode(n, true)));
    startJobs(list);
    return;
  }
  const keep = new Set();
  let before = null;
  for (const row of Array.from(freshBody.rows).reverse()) {  // oldest last: insert upwards
    const id = row.dataset.meeting;
    keep.add(id);
    const old = $(`tr[data-meeting="${id}"]`, body);
    let current = old;
    if (!old || old.dataset.sig !== row.dataset.sig) {
      current = document.importNode(row, true);
      if (old) { stop(old); old.replaceWith(current); } else body.insertBefore(current, before ? before : null);
      if (!old) current.classList.add("new");
      startJobs(current);
    }
    before = current;
  }
  for (const row of Array.from(body.rows)) if (!keep.has(row.dataset.meeting)) { stop(row); row.remove(); }
}

// -- transcript editor -------------------------------------------------------------------

PAGES.transcript = () => {
  const root = $("#editor");
  const meetingId = root.dataset.meeting;
  const canEdit = root.dataset.canEdit === "yes";
  const sure = parseFloat(root.dataset.sure || "0.85");  // a voice match below this is only a suggestion
  const audio = $("#audio");
  const list = $("#segments");
  const box = $("[data-error]", root);
  let data = null, version = null, current = -1, voices = [];
  const edits = new Map();           // segment id → new text
  const speakerEdits = {};           // label → {name, title, unit, enrol}
  const merges = [];                 // [{source, target}]

  const speakerName = (label) => {
    if (!label) return "—";
    const sp = (speakerEdits[label]) || (data.speakers || {})[label];
    return (sp && sp.name) || label.replace("SPEAKER_", "Người nói ");
  };
  // A name the voiceprints suggested that nobody has confirmed yet.
  const unsure = (label) => {
    const sp = (data.speakers || {})[label];
    return !speakerEdits[label] && !!sp && !!sp.name && sp.confidence > 0 && sp.confidence < sure;
  };
  const whoName = (label) => speakerName(label) + (label && unsure(label) ? " (?)" : "");
  const nextUnknown = () => {
    const taken = [...Object.values(data.speakers || {}), ...Object.values(speakerEdits)]
      .map((sp) => /^Người nói (\d+)$/.exec(sp.name || "")).filter(Boolean).map((m) => parseInt(m[1], 10));
    return `Người nói ${Math.max(0, ...taken) + 1}`;
  };
  const lowConfidence = (s) => (s.flags || []).includes("low_confidence") || (s.avg_logprob !== null && s.avg_logprob < -1.0);
  const hallucination = (s) => (s.flags || []).some((f) => f === "hallucination" || f === "repetition");

  async function load(v) {
    clearError(box);
    try {
      const got = await api("GET", `/api/meetings/${meetingId}/transcript` + (v ? `?version=${v}` : ""));
      data = got.transcript;
      version = got.version;
      voices = got.voices || [];
      edits.clear(); merges.length = 0;
      for (const k of Object.keys(speakerEdits)) delete speakerEdits[k];
      render();
      await loadVersions();
    } catch (err) {
      showError(box, err);
      $("#version-label").textContent = "";
    }
  }

  function render() {
    $("#version-label").textContent = `Phiên bản ${version} · ${data.segments.length} đoạn · ${clock(data.audio.duration)}`;
    $("[data-no-speech]", root).hidden = data.segments.length > 0;
    list.replaceChildren(...data.segments.map((s, i) => {
      const flags = [];
      if (lowConfidence(s)) flags.push(el("span", { class: "flag low", title: "Máy nhận dạng không chắc chắn: nghe lại đoạn này" }, "độ tin cậy thấp"));
      if (hallucination(s)) flags.push(el("span", { class: "flag hall", title: "Có thể là lời máy tự sinh (lặp, không có trong âm thanh)" }, "nghi “ảo giác”"));
      const text = el("div", { class: "text", contenteditable: canEdit ? "true" : null, spellcheck: "false", "data-id": s.id }, edits.get(s.id) ?? s.text);
      text.addEventListener("input", () => {
        const value = text.textContent.normalize("NFC").trim();
        if (value === s.text) edits.delete(s.id); else edits.set(s.id, value);
        li.classList.toggle("edited", edits.has(s.id));
        markDirty();
      });
      const li = el("li", { class: "seg" + (lowConfidence(s) ? " low" : "") + (hallucination(s) ? " hall" : ""), "data-index": i },
        el("button", { type: "button", class: "time", title: "Nghe từ đây", onclick: () => { current = i; highlight(); playFrom(audio, s.start); } }, clock(s.start)),
        el("div", { class: "who", title: s.speaker || "" }, whoName(s.speaker), flags.length ? el("div", { class: "flags" }, flags) : null),
        text);
      return li;
    }));
    renderSpeakers();
    markDirty();
  }

  function renderSpeakers() {
    const holder = $("#speakers");
    const labels = [...new Set(data.segments.map((s) => s.speaker).filter(Boolean))].filter((l) => !merges.some((m) => m.source === l));
    if (!labels.length) { holder.replaceChildren(el("p", { class: "muted" }, "Bản chép lời chưa phân biệt người nói.")); return; }
    holder.replaceChildren(...labels.map((label) => {
      const sp = (data.speakers || {})[label] || {};
      const shown = speakerEdits[label] || sp;
      const count = data.segments.filter((s) => s.speaker === label).length;
      const input = el("input", { value: shown.name || "", placeholder: "Họ tên (ví dụ: đồng chí Chủ tịch)", "data-speaker": label, disabled: !canEdit });
      const edit = (fields) => {
        const before = speakerEdits[label] || { name: sp.name || "", title: sp.title || "", unit: sp.unit || "", enrol: false };
        speakerEdits[label] = { ...before, ...fields };
        refreshNames(); markDirty();
      };
      input.addEventListener("change", () => edit({ name: input.value.normalize("NFC").trim() }));
      // "Lưu giọng nói": the voice of this speaker in this meeting goes into the unit's registry
      // under the name given here (only when the transcript carries the speaker's voiceprint).
      const keep = canEdit && voices.includes(label)
        ? el("label", { class: "check", title: "Thêm giọng của người này vào danh bạ giọng nói của đơn vị, để cuộc họp sau tự gọi tên" },
          el("input", { type: "checkbox", "data-enrol": label, checked: !!(speakerEdits[label] || {}).enrol,
            onchange: (e) => { edit({ enrol: e.target.checked }); } }), "Lưu giọng nói")
        : null;
      let suggestion = null;
      if (sp.name && sp.confidence > 0 && sp.confidence < 1 && !speakerEdits[label]) {
        const percent = Math.round(sp.confidence * 100);
        const reject = canEdit ? el("button", { type: "button", class: "small", title: "Không phải người này: đặt lại tên tạm", onclick: () => {
          edit({ name: nextUnknown(), title: "", unit: "", enrol: false });
          renderSpeakers();
        } }, "Không phải") : null;
        suggestion = sp.confidence < sure
          ? el("div", { class: "suggest" }, `Gợi ý theo giọng: ${sp.name} (${percent}%) `,
            canEdit ? el("button", { type: "button", class: "small", onclick: () => { edit({}); renderSpeakers(); } }, "Xác nhận") : null, reject)
          : el("div", { class: "suggest sure" }, `Nhận ra theo giọng (${percent}%) `, reject);
      }
      return el("div", { class: "spk" }, el("div", { class: "label", title: label }, `${speakerName(label)} · ${count} đoạn`), input, keep, suggestion);
    }));
    for (const id of ["#merge-source", "#merge-target"]) {
      const select = $(id);
      if (select) select.replaceChildren(...labels.map((l) => el("option", { value: l }, speakerName(l))));
    }
    if ($("#merge-target") && labels.length > 1) $("#merge-target").selectedIndex = 1;
  }

  function refreshNames() {
    for (const li of $$(".seg", list)) {
      const s = data.segments[li.dataset.index];
      $(".who", li).firstChild.textContent = whoName(s.speaker);
    }
    for (const option of $$("#merge-source option, #merge-target option")) option.textContent = speakerName(option.value);
  }

  function markDirty() {
    const n = edits.size + Object.keys(speakerEdits).length + merges.length;
    const save = $("#save");
    if (save) save.disabled = n === 0;
    const label = $("#dirty-label");
    if (label) label.textContent = n ? `${n} thay đổi chưa lưu.` : "Chưa có thay đổi.";
  }

  async function save() {
    if (!canEdit) return;
    const body = {
      base_version: version,
      segments: [...edits].map(([id, text]) => ({ id, text })),
      speakers: speakerEdits,
      merge: merges,
    };
    if (!body.segments.length && !Object.keys(body.speakers).length && !body.merge.length) return;
    busy($("#save"), true);
    clearError(box);
    try {
      const got = await api("PATCH", `/api/meetings/${meetingId}/transcript`, body);
      data = got.transcript; version = got.version; voices = got.voices || [];
      edits.clear(); merges.length = 0;
      for (const k of Object.keys(speakerEdits)) delete speakerEdits[k];
      render();
      await loadVersions();
      const kept = (got.enrolled || []).map((v) => v.name);
      flash(`Đã lưu thành phiên bản ${version}.` + (kept.length ? ` Đã lưu giọng nói: ${kept.join(", ")}.` : ""));
    } catch (err) {
      showError(box, err);   // the edits stay in the page: nothing typed is lost
      markDirty();
    }
  }

  async function loadVersions() {
    const rows = await api("GET", `/api/meetings/${meetingId}/transcript/versions`);
    const names = { asr: "Máy chép lời", edit: "Sửa", restore: "Khôi phục" };
    $("#versions").replaceChildren(...rows.slice().reverse().map((r) => el("li", { class: r.version === version ? "current" : "" },
      el("span", {}, `Bản ${r.version} · ${names[r.source] || r.source}`, el("br"),
        el("span", { class: "muted" }, `${vnDateTime(r.created_at)}${r.note ? " · " + r.note : ""}`)),
      canEdit && r.version !== rows[rows.length - 1].version
        ? el("button", { type: "button", class: "small", onclick: () => restore(r.version) }, "Khôi phục") : null)));
  }

  async function restore(v) {
    if (edits.size && !confirm("Các thay đổi chưa lưu sẽ mất. Tiếp tục khôi phục?")) return;
    try {
      const got = await api("POST", `/api/meetings/${meetingId}/transcript/restore`, { version: v });
      flash(`Đã khôi phục bản ${v} thành phiên bản ${got.version}.`);
      await load();
    } catch (err) { showError(box, err); }
  }

  function highlight(scroll) {
    for (const li of $$(".seg.now", list)) li.classList.remove("now");
    const li = list.children[current];
    if (!li) return;
    li.classList.add("now");
    if (scroll && $("#follow").checked) li.scrollIntoView({ block: "center", behavior: "smooth" });
  }

  function step(delta) {
    if (!data) return;
    current = Math.min(data.segments.length - 1, Math.max(0, current + delta));
    highlight(true);
    playFrom(audio, data.segments[current].start);
  }

  function speed(delta) {
    if (!audio) return;
    audio.playbackRate = Math.min(2.5, Math.max(0.5, Math.round((audio.playbackRate + delta) * 100) / 100));
    $("#rate").textContent = `${audio.playbackRate}×`;
  }

  if (audio) {
    audio.addEventListener("timeupdate", () => {
      if (!data) return;
      const t = audio.currentTime;
      const i = data.segments.findIndex((s) => t >= s.start && t < s.end);
      if (i >= 0 && i !== current) { current = i; highlight(!audio.paused); }
    });
    for (const b of $$("[data-speed]")) b.addEventListener("click", () => speed(parseFloat(b.dataset.speed)));
  }

  document.addEventListener("keydown", (e) => {
    const inText = e.target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(e.target.tagName);
    if ((e.ctrlKey && e.code === "Space") || (!inText && e.code === "Space" && !e.ctrlKey)) {
      e.preventDefault();
      if (audio) { if (audio.paused) audio.play().catch(() => {}); else audio.pause(); }
    } else if ((e.altKey && e.key === "ArrowDown") || (!inText && e.key === "ArrowDown")) {
      e.preventDefault(); step(1);
    } else if ((e.altKey && e.key === "ArrowUp") || (!inText && e.key === "ArrowUp")) {
      e.preventDefault(); step(-1);
    } else if (e.altKey && e.key === ",") { e.preventDefault(); speed(-0.25); }
    else if (e.altKey && e.key === ".") { e.preventDefault(); speed(0.25); }
    else if (e.ctrlKey && e.key.toLowerCase() === "s") { e.preventDefault(); save(); }
  });

  window.addEventListener("beforeunload", (e) => {
    if (edits.size || Object.keys(speakerEdits).length || merges.length) { e.preventDefault(); e.returnValue = ""; }
  });

  const saveButton = $("#save");
  if (saveButton) saveButton.addEventListener("click", save);
  const mergeButton = $("#merge");
  if (mergeButton) mergeButton.addEventListener("click", () => {
    const source = $("#merge-source").value, target = $("#merge-target").value;
    if (!source || source === target) {
      showError(box, { message: "Chọn hai người nói khác nhau để gộp.", hint: "" });
      return;
    }
    merges.push({ source, target });
    for (const s of data.segments) if (s.speaker === source) s.speaker = target;
    refreshNames(); renderSpeakers(); markDirty();
    flash(`Sẽ gộp ${source} vào ${target} khi lưu.`);
  });

  load();
};

// -- draft -------------------------------------------------------------------------------

PAGES.draft = () => {
  const root = $("#draft");
  const meetingId = root.dataset.meeting;
  const noticeForm = $("#notice-form");
  if (noticeForm) wireNoticeForm(noticeForm, meetingId);
  const canEdit = root.dataset.canEdit === "yes";
  const box = $("[data-error]", root);
  const audio = $("#audio");
  let latest = root.dataset.latest ? parseInt(root.dataset.latest, 10) : null;

  const play = (evidence) => evidence && evidence.start !== null && evidence.start !== undefined && audio
    ? el("button", { type: "button", class: "play", title: "Nghe đoạn ghi âm làm căn cứ", onclick: () => playFrom(audio, evidence.start) }, `▶ ${clock(evidence.start)}`)
    : null;

  async function show(version) {
    if (!version) return;
    try {
      const got = await api("GET", `/api/meetings/${meetingId}/drafts/${version}/conclusion`);
      render(got);
    } catch (err) { showError(box, err); }
  }

  function render(got) {
    const c = got.conclusion || { items: [], tasks: [] };
    const holder = $("#conclusion");
    const editable = canEdit && got.source !== "uploaded";
    const items = (c.items || []).length
      ? el("ol", { class: "items" }, c.items.map((i) => el("li", {}, i.title ? el("strong", {}, i.title + " ") : null, i.text, " ", play(i.evidence))))
      : el("p", { class: "muted" }, got.source === "uploaded" ? "Bản tải lên: chỉ đọc lại bảng nhiệm vụ." : "Không tìm thấy mục kết luận.");
    const rows = (c.tasks || []).map((t, n) => el("tr", { "data-task": t.id || "" },
      el("td", {}, String(n + 1)),
      el("td", {}, editable ? el("textarea", { name: "action", rows: 3 }, t.action) : t.action,
        (t.flags || []).length ? el("div", { class: "flag-note" }, "⚠ Cần kiểm tra: " + t.flags.map((f) => TASK_FLAGS[f] || f).join("; ")) : null),
      el("td", {}, editable ? el("textarea", { name: "leads", rows: 2 }, (t.leads || []).join("; ")) : (t.leads || []).join("; ")),
      el("td", {}, editable ? el("textarea", { name: "supports", rows: 2 }, (t.supports || []).join("; ")) : (t.supports || []).join("; ")),
      el("td", {}, editable ? el("textarea", { name: "deadline", rows: 2 }, (t.deadline || {}).phrase || "") : ((t.deadline || {}).phrase || "")),
      el("td", {}, play(t.evidence))));
    const table = (c.tasks || []).length
      ? el("table", { class: "grid tasks-edit" },
        el("colgroup", {}, ["4%", "42%", "17%", "14%", "16%", "7%"].map((w) => el("col", { style: `width: ${w}` }))),
        el("thead", {}, el("tr", {}, ["STT", "Nội dung nhiệm vụ", "Chủ trì", "Phối hợp", "Thời hạn", "Căn cứ"].map((h) => el("th", {}, h)))),
        el("tbody", {}, rows))
      : el("p", { class: "muted" }, "Không có nhiệm vụ nào được giao.");
    holder.replaceChildren(
      el("div", { class: "card" }, el("h2", {}, `Phần kết luận (bản ${got.version})`),
        c.opening ? el("p", {}, c.opening) : null, items),
      el("div", { class: "card" }, el("h2", {}, "Bảng nhiệm vụ"), table,
        editable && (c.tasks || []).length ? el("p", {}, el("button", { type: "button", class: "primary", id: "save-tasks", onclick: () => saveTasks(got.version) }, "Lưu nhiệm vụ và tạo lại .docx"),
          el("span", { class: "muted" }, "  Nhiều đơn vị: cách nhau bằng dấu chấm phẩy.")) : null));
  }

  // A written date that does not exist (31/02/2026) is refused beside its cell, as the date
  // fields of the upload form are (api/static/dates.js), never stored as "no deadline".
  function checkDeadlines() {
    let first = null;
    for (const area of $$("#conclusion textarea[name=deadline]")) {
      const bad = (area.value.match(/\b\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4}\b/g) || []).find((d) => VN_DATE.toIso(d.replace(/\s/g, "")) === null);
      let note = area.nextElementSibling;
      if (!note || !note.classList.contains("date-note")) {
        note = el("span", { class: "date-note", hidden: true });
        area.after(note);
      }
      area.setCustomValidity(bad ? "Ngày không có thật" : "");
      area.classList.toggle("invalid", !!bad);
      note.textContent = bad ? `Ngày “${bad}” không có thật: nhập theo dạng ngày/tháng/năm, ví dụ 30/06/2026.` : "";
      note.hidden = !bad;
      if (bad && !first) first = area;
    }
    if (first) first.focus();
    return !first;
  }

  async function saveTasks(base) {
    if (!checkDeadlines()) return;
    const tasks = $$("#conclusion tbody tr").map((tr) => ({
      id: tr.dataset.task,
      action: $("[name=action]", tr).value.normalize("NFC").trim(),
      leads: $("[name=leads]", tr).value.split(";").map((s) => s.normalize("NFC").trim()).filter(Boolean),
      supports: $("[name=supports]", tr).value.split(";").map((s) => s.normalize("NFC").trim()).filter(Boolean),
      deadline_phrase: $("[name=deadline]", tr).value.normalize("NFC").trim(),
    }));
    clearError(box);
    try {
      const d = await api("POST", `/api/meetings/${meetingId}/drafts/edit`, { base_version: base, tasks });
      flashNext(`Đã tạo phiên bản ${d.version}.`);
      location.reload();
    } catch (err) { showError(box, err); }
  }

  const generate = $("#generate");
  if (generate) generate.addEventListener("click", async () => {
    clearError(box);
    busy(generate, true);
    try {
      const job = await api("POST", `/api/meetings/${meetingId}/drafts`);
      const holder = $("#draft-job");
      holder.innerHTML = `<div class="card"><h2>Đang soạn dự thảo</h2><div class="job" data-job="${job.id}" data-state="${job.state}">
        <div class="bar"><span></span></div><div class="state"><span data-state-name>${job.state_name}</span> <span class="muted" data-percent></span></div>
        <div class="stages" hidden></div><div class="alert error" data-job-error hidden><strong data-msg></strong> <span data-hint></span></div></div></div>`;
      followJob($(".job", holder), (final) => {
        if (final.state === "done") location.reload();
        else busy(generate, false);
      });
    } catch (err) { showError(box, err); busy(generate, false); }
  });

  const form = $("#docx-form");
  if (form) form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const fbox = $("[data-error]", form), file = $("input[type=file]", form).files[0];
    clearError(fbox);
    if (!file) { showError(fbox, { message: "Chưa chọn tệp .docx.", hint: "" }); return; }
    const progress = $(".progress", form);
    try {
      const d = await uploadFile(`/api/meetings/${meetingId}/drafts/upload`, file, (f) => setProgress(progress, f));
      progress.hidden = true;
      const ch = await api("GET", `/api/meetings/${meetingId}/drafts/${d.version}/changes`);
      // reload: the versions list shows the new version; the changes are shown again there
      sessionStorage.setItem(`ketluan.changes.${meetingId}`, JSON.stringify(ch));
      flashNext(`Đã lưu thành phiên bản ${d.version}.`);
      location.reload();
    } catch (err) { progress.hidden = true; showError(fbox, err); }
  });

  function showChanges(ch) {
    const list = el("ul", { class: "changes" },
      ch.added.map((t) => el("li", { class: "added" }, "+ Thêm: " + t)),
      ch.removed.map((t) => el("li", { class: "removed" }, "− Bỏ: " + t)),
      ch.changed.map((c) => el("li", {}, "✎ Sửa: ", el("span", { class: "removed" }, c.before), " → ", el("span", { class: "added" }, c.after))));
    const none = !ch.added.length && !ch.removed.length && !ch.changed.length;
    $("#changes").replaceChildren(el("div", { class: "card", id: "changes-card" },
      el("h2", {}, `Những gì đã thay đổi (bản ${ch.version} so với bản ${ch.compared_with ?? "—"})`),
      none ? el("p", {}, "Bảng nhiệm vụ không thay đổi.") : list,
      ch.unchanged ? el("p", { class: "muted" }, `${ch.unchanged} nhiệm vụ giữ nguyên.`) : null));
  }
  const shown = sessionStorage.getItem(`ketluan.changes.${meetingId}`);
  if (shown) {
    sessionStorage.removeItem(`ketluan.changes.${meetingId}`);
    try { showChanges(JSON.parse(shown)); } catch (e) { /* an old entry: nothing to show */ }
  }

  root.addEventListener("click", async (e) => {
    const b = e.target.closest("[data-import]");
    if (!b) return;
    location.href = `/tracking/import?meeting=${meetingId}&version=${b.dataset.import}`;
  });

  show(latest);
};

// -- tracking ----------------------------------------------------------------------------

PAGES.task = () => {
  const root = $("#task");
  const id = root.dataset.task;
  const form = $("#progress-form");
  if (form) form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const box = $("[data-error]", form), data = formData(form);
    clearError(box);
    try {
      await api("POST", `/api/tracking/tasks/${id}/progress`, {
        progress: data.progress === "" ? null : parseInt(data.progress, 10),
        note: data.note || "", result: data.result || null, documents: data.documents || null,
        report_done: $("[name=report_done]", form).checked,
      });
      flashNext("Đã lưu cập nhật.");
      location.reload();
    } catch (err) { showError(box, err); }
  });
  const edit = $("#edit-form");
  if (edit) edit.addEventListener("submit", async (e) => {
    e.preventDefault();
    const box = $("[data-error]", edit), d = formData(edit);
    clearError(box);
    try {
      await api("PATCH", `/api/tracking/tasks/${id}`, {
        // a task imported without a lead may be edited without one; a lead is never cleared
        content: d.content, lead: d.lead || ($("[name=lead]", edit).defaultValue ? "" : null), note: d.note || "",
        supports: (d.supports || "").split(";").map((s) => s.trim()).filter(Boolean),
        deadline_kind: d.deadline_kind, due_on: d.due_on || null,
      });
      flashNext("Đã lưu thay đổi nhiệm vụ.");
      location.reload();
    } catch (err) { showError(box, err); }
  });
  const decision = $("#decision-form");
  if (decision) decision.addEventListener("click", async (e) => {
    const b = e.target.closest("[data-decision]");
    if (!b) return;
    const box = $("[data-error]", decision);
    try {
      await api("POST", `/api/tracking/tasks/${id}/${b.dataset.decision}`, { note: formData(decision).note || "" });
      flashNext("Đã lưu quyết định.");
      location.reload();
    } catch (err) { showError(box, err); }
  });
  const evidence = $("#evidence-form");
  if (evidence) evidence.addEventListener("submit", async (e) => {
    e.preventDefault();
    const box = $("[data-error]", evidence), file = $("input[type=file]", evidence).files[0];
    clearError(box);
    if (!file) { showError(box, { message: "Chưa chọn tệp.", hint: "" }); return; }
    const progress = $(".progress", evidence);
    try {
      await uploadFile(`/api/tracking/tasks/${id}/evidence`, file, (f) => setProgress(progress, f));
      flashNext("Đã đính kèm minh chứng.");
      location.reload();
    } catch (err) { progress.hidden = true; showError(box, err); }
  });
};

/** Follow a tracking job (import or export on the cpu queue) to its end: resolves with the
    finished job, rejects with its Vietnamese error. `onProgress(job)` paints the progress. */
function followTrackingJob(job, onProgress) {
  return new Promise((resolve, reject) => {
    const final = (j) => {
      if (j.state === "done") resolve(j);
      else reject(new ApiError(0, (j.error && j.error.message) || "Việc nhập/xuất bị lỗi.", j.error && j.error.hint));
    };
    if (["done", "failed"].includes(job.state)) { final(job); return; }
    const source = new EventSource(`/api/tracking/jobs/${job.id}/events`);
    source.addEventListener("job", (e) => {
      const j = JSON.parse(e.data);
      if (onProgress) onProgress(j);
      if (["done", "failed"].includes(j.state)) { source.close(); final(j); }
    });
    source.addEventListener("gone", () => {
      source.close();
      reject(new ApiError(404, "Việc nhập/xuất không còn.", "Thử lại."));
    });
    source.onerror = () => {  // the stream broke for good: ask once more, plainly
      if (source.readyState !== EventSource.CLOSED) return;
      api("GET", `/api/tracking/jobs/${job.id}`).then(final, reject);
    };
  });
}

function jobLabel(j, what) {
  if (j.state === "queued") return `${what}: đang chờ máy xử lý…`;
  if (j.state === "running") return `${what}: ${Math.round((j.progress || 0) * 100)}%`;
  return j.state_name || "";
}

PAGES.import = () => {
  const form = $("#import-form");
  const preview = $("#preview");
  const params = new URLSearchParams(location.search);

  const query = () => {
    const d = formData(form), q = new URLSearchParams();
    for (const k of ["number", "issued_on", "received_on"]) if (d[k]) q.set(k, d[k]);
    return q.toString() ? "?" + q.toString() : "";
  };

  const taskLine = (t) => [t.content || t.action || "", t.lead ? el("span", { class: "muted" }, ` — ${t.lead}`) : null];

  // One checkbox per item of the diff: ticked = accept (the default), unticked = reject.
  function decision(n, kind, ref, ...label) {
    const box = el("input", { type: "checkbox", checked: true, "data-notice": n, "data-kind": kind, "data-ref": ref });
    const li = el("li", {}, box, el("div", {}, ...label));
    box.addEventListener("change", () => li.classList.toggle("off", !box.checked));
    return li;
  }

  function render(imp) {
    const blocks = imp.notices.map((n, k) => {
      const notice = n.notice || {}, diff = n.diff || {};
      const tasks = notice.tasks || [];
      const again = diff.notice_id !== null && diff.notice_id !== undefined;
      const added = (diff.added || []).map((i) => decision(k, "added", i, ...taskLine(tasks[i] || {})));
      const changed = (diff.changed || []).map((c) => decision(k, "changed", c.id, el("strong", {}, c.code), " ",
        ...taskLine(tasks[c.index] || {}),
        Object.entries(c.changes || {}).map(([field, [before, after]]) => el("span", { class: "change" },
          `${FIELD_LABELS[field] || field}: `, el("span", { class: "old" }, show(before)), " → ", el("span", { class: "new" }, show(after))))));
      const removed = (diff.removed || []).map((r) => decision(k, "removed", r.id, el("strong", {}, r.code), " ", ...taskLine(r)));
      const section = (title, items, hint) => items.length
        ? [el("h4", {}, `${title} (${items.length})`, hint ? el("span", { class: "muted" }, ` — ${hint}`) : null), el("ul", { class: "decisions" }, items)]
        : [];
      return el("div", { class: "preview-notice" },
        el("h3", {}, `Văn bản ${notice.number || "(chưa có số)"} — ${tasks.length} nhiệm vụ${again ? " (đã nhập trước đây)" : ""}`),
        el("p", { class: "muted" }, `Thêm ${(diff.added || []).length} · Bỏ ${(diff.removed || []).length} · Sửa ${(diff.changed || []).length} · Giữ nguyên ${diff.unchanged || 0}`),
        ...section(again ? "Nhiệm vụ mới" : "Nhiệm vụ", added, "bỏ chọn nhiệm vụ không đưa vào theo dõi"),
        ...section("Nhiệm vụ sửa", changed, "bỏ chọn để giữ như cũ"),
        ...section("Không còn trong văn bản, sẽ rút", removed, "bỏ chọn để vẫn theo dõi"));
    });
    const box = el("div", { class: "alert error", hidden: true });
    const note = el("input", { name: "reject_note", placeholder: "Lý do không nhận các mục bỏ chọn (nếu có)" });
    const confirmButton = el("button", { type: "button", class: "primary", onclick: async () => {
      busy(confirmButton, true);
      const reject = $$("input[data-kind]", preview).filter((b) => !b.checked).map((b) => ({
        notice: parseInt(b.dataset.notice, 10), kind: b.dataset.kind, ref: parseInt(b.dataset.ref, 10) }));
      try {
        const r = await api("POST", `/api/tracking/imports/${imp.id}/confirm`, { reject, note: note.value.normalize("NFC").trim() });
        flashNext(`Đã lưu: thêm ${r.added}, sửa ${r.changed}, bỏ ${r.removed}` + (r.rejected ? `, không nhận ${r.rejected}.` : "."));
        location.href = "/tracking";
      } catch (err) { showError(box, err); busy(confirmButton, false); }
    } }, "Xác nhận và đưa vào theo dõi");
    preview.replaceChildren(el("p", {}, `Tệp: ${imp.source_name}`), ...blocks,
      el("label", {}, "Ghi chú ", note), box, confirmButton);
  }

  // Coming from a meeting's draft page: preview that saved draft (no file to choose).
  const fromDraft = params.get("meeting") && params.get("version")
    ? `/api/tracking/meetings/${params.get("meeting")}/drafts/${params.get("version")}/import` : null;

  async function read() {
    const box = $("[data-error]", form), file = $("input[type=file]", form).files[0];
    clearError(box);
    const progress = $(".progress", form);
    const submit = $("button[type=submit]", form);
    busy(submit, true);
    try {
      let job;
      if (file) {
        job = await uploadFile(`/api/tracking/imports${query()}`, file, (f) => setProgress(progress, f, `Đang tải lên: ${Math.round(f * 100)}%`));
      } else if (fromDraft) {
        job = await api("POST", fromDraft + query());
      } else {
        showError(box, { message: "Chưa chọn tệp.", hint: "Chọn tệp .docx hoặc .xlsx." });
        busy(submit, false);
        return;
      }
      // The file is read on the cpu queue: follow the job, then show its preview.
      setProgress(progress, 0, jobLabel(job, "Đọc tệp"));
      const done = await followTrackingJob(job, (j) => setProgress(progress, j.progress || 0, jobLabel(j, "Đọc tệp")));
      render(await api("GET", `/api/tracking/imports/${done.import_id}`));
    } catch (err) { showError(box, err); }
    progress.hidden = true;
    busy(submit, false);
  }

  form.addEventListener("submit", (e) => { e.preventDefault(); read(); });
  if (fromDraft) {
    // The source is the draft, not a file: ask for what the draft leaves blank (its number,
    // issue date) and the received date, all at once, before reading it.
    const picker = $(".picker", form);
    $("[type=file]", form).required = false;
    picker.hidden = true;
    const hint = el("span", {},
      "Điền số văn bản, ngày ban hành và ngày nhận (dự thảo thường chưa có số), rồi bấm “Đọc và xem trước”.");
    picker.before(el("p", { class: "alert ok", id: "from-draft" },
      `Nguồn: dự thảo phiên bản ${params.get("version")} của cuộc họp #${params.get("meeting")}. `, hint));
    for (const name of ["number"]) { const f = $(`[name=${name}]`, form); if (f) f.required = true; }
    const day = $("[data-date-of=issued_on]", form);
    if (day) day.required = true;
    api("GET", `/api/meetings/${params.get("meeting")}`).then((m) => {
      const f = $("[name=number]", form);
      if (m.notice_number && f && !f.value) {
        f.value = m.notice_number;
        // the number is known: ask only for what is still missing
        hint.textContent = "Số văn bản đã lấy từ cuộc họp; điền ngày ban hành và ngày nhận, rồi bấm “Đọc và xem trước”.";
      }
    }).catch(() => { /* the number is typed by hand */ });
  }
};

const FIELD_LABELS = { content: "Nội dung", lead: "Chủ trì", supports: "Phối hợp", deadline: "Thời hạn",
  sector: "Lĩnh vực", documents: "Văn bản triển khai" };

function show(value) {
  if (Array.isArray(value)) return value.join("; ") || "—";
  return value === null || value === undefined || value === "" ? "—" : String(value);
}

// The task list: exports are written on the cpu queue; the button follows the job, then downloads.
PAGES.tracking = () => {
  const progress = $("#export-progress"), box = $("#export-error");
  for (const link of $$("[data-export]")) {
    link.addEventListener("click", async (e) => {
      e.preventDefault();
      clearError(box);
      const q = new URL(link.href, location.href).searchParams;
      const what = link.dataset.export === "xlsx" ? "Lập tệp Excel" : "Lập báo cáo Word";
      busy(link, true);
      try {
        const body = { format: link.dataset.export };
        for (const k of ["on", "by", "issued_from", "issued_to", "status"]) if (q.get(k)) body[k] = q.get(k);
        for (const k of ["unit_id", "notice_id"]) if (q.get(k)) body[k] = parseInt(q.get(k), 10);
        const job = await api("POST", "/api/tracking/reports/exports", body);
        setProgress(progress, 0, jobLabel(job, what));
        const done = await followTrackingJob(job, (j) => setProgress(progress, j.progress || 0, jobLabel(j, what)));
        setProgress(progress, 1, `Xong: ${done.file_name}`);
        location.href = done.download_url;
      } catch (err) { showError(box, err); }
      busy(link, false);
    });
  }
};

// Unit names → units (tracker).
PAGES.units = () => {
  const table = $("#unit-names");
  if (!table) return;
  const box = $("[data-error]");
  table.addEventListener("click", async (e) => {
    const b = e.target.closest("[data-map]");
    if (!b) return;
    const row = b.closest("tr"), unit = $("select", row).value;
    clearError(box);
    if (!unit) { showError(box, { message: "Chưa chọn đơn vị.", hint: "Chọn đơn vị trong danh sách rồi bấm Lưu." }); return; }
    busy(b, true);
    try {
      const office = table.dataset.office ? `?unit=${encodeURIComponent(table.dataset.office)}` : "";
      const r = await api("PUT", `/api/tracking/unit-names${office}`, { name: row.dataset.name, unit_id: parseInt(unit, 10) });
      flashNext(`Đã gán “${r.name}”: ${r.changed_tasks} nhiệm vụ được cập nhật.`);
      location.reload();
    } catch (err) { showError(box, err); busy(b, false); }
  });
};

// -- administration ----------------------------------------------------------------------

PAGES.admin = () => {
  const wire = (id, url, shape) => {
    const form = $(id);
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const box = $("[data-error]", form);
      clearError(box);
      try {
        await api("POST", url, shape(formData(form)));
        location.reload();
      } catch (err) { showError(box, err); }
    });
  };
  wire("#user-form", "/api/users", (d) => ({ ...d, unit_code: d.unit_code || null }));
  wire("#unit-form", "/api/units", (d) => d);
  // lock / unlock an account, reset its password (the policy is the one stated on the form)
  const users = $("#user-table");
  if (users) users.addEventListener("click", async (e) => {
    const b = e.target.closest("[data-active], [data-reset]");
    if (!b) return;
    const row = b.closest("tr"), box = $("#user-table-error");
    clearError(box);
    let body;
    if (b.hasAttribute("data-reset")) {
      const password = prompt(`Mật khẩu mới cho ${row.dataset.username} (ít nhất 10 ký tự, không chỉ chữ số):`);
      if (!password) return;
      body = { password };
    } else {
      body = { active: b.dataset.active === "true" };
    }
    try {
      await api("PATCH", `/api/users/${row.dataset.user}`, body);
      flashNext(body.password ? `Đã đặt lại mật khẩu của ${row.dataset.username}.`
        : `Đã ${body.active ? "mở khóa" : "khóa"} tài khoản ${row.dataset.username}.`);
      location.reload();
    } catch (err) { showError(box, err); }
  });
  wireVoices();
};

/** Administration, "Giọng nói": enrol a person from a clip (upload, then the job that makes the
    voiceprint on a gpu worker, followed live), delete a voiceprint or a person. */
function wireVoices() {
  const form = $("#voice-form");
  if (!form) return;
  const pick = $("[name=speaker_id]", form), fresh = $("[data-new-person]", form);
  const toggle = () => { fresh.hidden = pick.value !== ""; };
  pick.addEventListener("change", toggle);
  toggle();
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const box = $("[data-error]", form), d = formData(form), file = $("input[type=file]", form).files[0];
    clearError(box);
    if (!pick.value && !d.name) {
      showError(box, { message: "Chưa nhập họ tên người cần ghi danh.", hint: "Nhập họ tên, hoặc chọn một người trong danh bạ." });
      return;
    }
    if (!file) {
      showError(box, { message: "Chưa chọn đoạn ghi âm.", hint: "Chọn một đoạn 10–60 giây người đó nói rõ." });
      return;
    }
    const button = $("button[type=submit]", form), progress = $(".progress", form);
    busy(button, true);
    let created = null;  // a person added by this attempt: removed again if the enrolment fails
    const undo = async () => {
      if (created === null) return;
      try { await api("DELETE", `/api/speakers/${created}`); } catch (e) { /* shown by the list */ }
      $(`option[value="${created}"]`, pick)?.remove();
      pick.value = ""; toggle(); created = null;
    };
    try {
      if (!pick.value) {
        const sp = await api("POST", "/api/speakers", {
          name: d.name, title: d.title || "", organisation: d.organisation || "", unit_code: d.unit_code || null,
        });
        // Chosen from now on: a second try (after a bad file) does not add the person twice.
        pick.append(el("option", { value: String(sp.id) }, `${sp.name} (${sp.unit_name})`));
        pick.value = String(sp.id);
        created = sp.id;
        toggle();
      }
      setProgress(progress, 0, "Đang tải lên… 0%");
      const job = await uploadFile(`/api/speakers/${pick.value}/voiceprints`, file,
        (f) => setProgress(progress, f, `Đang tải lên… ${Math.round(f * 100)}%`));
      progress.hidden = true;
      const holder = $("#voice-job");
      holder.replaceChildren(jobBox(job));
      followJob($(".job", holder), (final) => {
        if (final.state === "done") { flashNext("Đã ghi danh giọng nói."); location.reload(); }
        else { undo(); busy(button, false); }
      });
    } catch (err) {
      progress.hidden = true;
      showError(box, err);
      await undo();
      busy(button, false);
    }
  });
  $("#voice-table").addEventListener("click", async (e) => {
    const print = e.target.closest("[data-delete-print]"), person = e.target.closest("[data-delete-speaker]");
    if (!print && !person) return;
    const box = $("#voice-table-error");
    clearError(box);
    if (person && !confirm(`Xóa ${person.dataset.name} khỏi danh bạ, cùng mọi vân tay giọng nói của người này?`)) return;
    try {
      if (print) await api("DELETE", `/api/voiceprints/${print.dataset.deletePrint}`);
      else await api("DELETE", `/api/speakers/${person.dataset.deleteSpeaker}`);
      location.reload();
    } catch (err) { showError(box, err); }
  });
}

/** A live status box for one job (filled by paintJob from its event stream). */
function jobBox(job) {
  return el("div", { class: "job", "data-job": job.id, "data-state": job.state },
    el("div", { class: "bar" }, el("span")),
    el("div", { class: "state" }, el("span", { "data-state-name": true }, job.state_name), " ",
      el("span", { class: "muted", "data-percent": true })),
    el("div", { class: "alert error", "data-job-error": true, hidden: true },
      el("strong", { "data-msg": true }), " ", el("span", { "data-hint": true })));
}

// -- office glossary (admin page and /glossary) ------------------------------------------

function wireGlossary(form) {
  const box = $("[data-error]", form), status = $("[data-glossary-status]", form);
  const unit = () => form.elements.unit_id.value;
  const show = (g) => {
    const when = g.updated_at ? vnDateTime(g.updated_at) : null;
    status.textContent = `${g.terms} mục` + (when ? ` · cập nhật lúc ${when}` : " · chưa có mục nào");
  };
  async function load() {
    clearError(box);
    const asked = unit();
    try {
      const g = await api("GET", `/api/units/${asked}/glossary`);
      // Another unit was chosen while this one loaded: its own load fills the form (a late
      // answer would put this unit's terms under the other's name, and "Lưu" would save them there).
      if (asked !== unit()) return;
      form.elements.glossary.value = g.glossary;
      show(g);
    } catch (err) { if (asked === unit()) showError(box, err); }
  }
  form.addEventListener("change", (e) => { if (e.target.name === "unit_id") load(); });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearError(box);
    const button = $("button[type=submit]", form);
    busy(button, true);
    try {
      const g = await api("PUT", `/api/units/${unit()}/glossary`, { glossary: form.elements.glossary.value.normalize("NFC") });
      show(g);
      flash(`Đã lưu từ điển của ${g.unit_name} (${g.terms} mục).`);
    } catch (err) { showError(box, err); }
    busy(button, false);
  });
  load();
}

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("glossary-form");
  if (form) wireGlossary(form);
});

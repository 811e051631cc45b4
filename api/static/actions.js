/* ketluan web UI, the everyday actions of issue 15 (loaded after app.js, whose helpers it uses):
   editing, re-running and deleting meetings; editing users; the audit log; tracking in bulk;
   notifications. Every change goes through the JSON API. */
"use strict";

// -- meetings ------------------------------------------------------------------------------

PAGES["meeting-edit"] = () => {
  const form = $("#meeting-form");
  const box = $("[data-error]", form);
  form.addEventListener("input", () => clearError(box));  // an old message would be stale
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearError(box);
    const d = formData(form);
    if (!d.title) {
      showError(box, { message: "Chưa điền tên cuộc họp.", hint: "Điền ô «Tên cuộc họp» rồi bấm Lưu." });
      return;
    }
    const body = {
      title: d.title, date: d.date || null, place: d.place || "", issuing_body: d.issuing_body || "",
      superior_body: d.superior_body || "", chair: d.chair || "", format: d.format || "state",
      attendees: (d.attendees || "").split("\n").map((s) => s.trim()).filter(Boolean),
      glossary: d.glossary || "",
    };
    const button = $("button[type=submit]", form);
    busy(button, true);
    try {
      await api("PATCH", `/api/meetings/${form.dataset.meeting}`, body);
      flashNext(`Đã lưu thông tin cuộc họp “${body.title}”.`);
      location.href = `/meetings#m${form.dataset.meeting}`;
    } catch (err) { showError(box, err); busy(button, false); }
  });
};

// A job in progress: "Hủy" (a stuck job otherwise keeps its meeting from being deleted).
document.addEventListener("click", async (e) => {
  const b = e.target.closest("[data-cancel-job]");
  if (!b) return;
  if (!confirm("Dừng xử lý bản ghi này? Có thể bấm “Chạy lại” sau.")) return;
  busy(b, true);
  try {
    await api("POST", `/api/jobs/${b.dataset.cancelJob}/cancel`);
    flashNext("Đã hủy công việc xử lý.");
    location.reload();
  } catch (err) { flash(`${err.message} ${err.hint || ""}`, true); busy(b, false); }
});

// The meetings list: "Xử lý lại" a finished meeting (after the glossary changed, say).
document.addEventListener("click", async (e) => {
  const b = e.target.closest("[data-rerun]");
  if (!b) return;
  if (!confirm(`Xử lý lại cuộc họp “${b.dataset.title}” từ bản ghi? Bản chép lời và dự thảo hiện có được giữ; kết quả mới thành phiên bản mới.`)) return;
  busy(b, true);
  try {
    await api("POST", `/api/meetings/${b.dataset.rerun}/rerun`);
    flashNext(`Đã xếp hàng xử lý lại cuộc họp “${b.dataset.title}”.`);
    location.reload();
  } catch (err) { flash(`${err.message} ${err.hint || ""}`, true); busy(b, false); }
});

// -- administration: edit a user (name, role, unit) ------------------------------------------

document.addEventListener("DOMContentLoaded", () => {
  const form = $("#user-edit-form"), table = $("#user-table");
  if (!form || !table) return;
  const box = $("[data-error]", form);
  table.addEventListener("click", (e) => {
    const b = e.target.closest("[data-edit-user]");
    if (!b) return;
    const row = b.closest("tr");
    clearError(box);
    $("[name=id]", form).value = row.dataset.user;
    $("[name=full_name]", form).value = row.dataset.fullName || "";
    $("[name=role]", form).value = row.dataset.role;
    $("[name=unit_code]", form).value = row.dataset.unit || "";
    $("[data-edit-username]", form).textContent = row.dataset.username;
    form.hidden = false;
    $("[name=full_name]", form).focus();
  });
  $("[data-cancel]", form).addEventListener("click", () => { form.hidden = true; });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearError(box);
    const d = formData(form);
    if (d.role !== "admin" && !d.unit_code) {
      showError(box, { message: "Chưa chọn đơn vị.", hint: "Chọn đơn vị ở ô «Đơn vị»: mọi vai trò trừ quản trị viên cần một đơn vị." });
      return;
    }
    try {
      await api("PATCH", `/api/users/${d.id}`, { full_name: d.full_name, role: d.role, unit_code: d.unit_code || "" });
      flashNext(`Đã lưu tài khoản ${$("[data-edit-username]", form).textContent}.`);
      location.reload();
    } catch (err) { showError(box, err); }
  });
});

// -- tracking: bulk accept, bulk deadlines ---------------------------------------------------

document.addEventListener("DOMContentLoaded", () => {
  const form = $("#bulk-form");
  if (!form) return;
  const box = $("[data-error]", form), count = $("[data-bulk-count]", form);
  const chosen = () => $$("[data-select]").filter((c) => c.checked).map((c) => parseInt(c.dataset.select, 10));
  const refresh = () => {
    count.textContent = String(chosen().length);
    if (chosen().length) clearError(box);  // "Chưa chọn nhiệm vụ nào" no longer holds
  };
  const all = $("[data-select-all]");
  if (all) all.addEventListener("change", () => { for (const c of $$("[data-select]")) c.checked = all.checked; refresh(); });
  document.addEventListener("change", (e) => { if (e.target.matches("[data-select]")) refresh(); });
  refresh();
  form.addEventListener("click", async (e) => {
    const b = e.target.closest("[data-bulk]");
    if (!b) return;
    clearError(box);
    const ids = chosen(), d = formData(form);
    if (!ids.length) {
      showError(box, { message: "Chưa chọn nhiệm vụ nào.", hint: "Đánh dấu ô đầu dòng của các nhiệm vụ cần xử lý." });
      return;
    }
    let url, body, what;
    if (b.dataset.bulk === "accept") {
      url = "/api/tracking/bulk/accept"; body = { task_ids: ids, note: d.note || "" }; what = "công nhận hoàn thành";
    } else {
      if (!d.due_on) {
        showError(box, { message: "Chưa nhập hạn xử lý mới.", hint: "Nhập ngày ở ô «Hạn xử lý mới» (ngày/tháng/năm) rồi bấm Đổi hạn." });
        return;
      }
      url = "/api/tracking/bulk/deadline"; body = { task_ids: ids, due_on: d.due_on, note: d.note || "" };
      what = `đổi hạn sang ${VN_DATE.fromIso(d.due_on)}`;
    }
    if (!confirm(`${what[0].toUpperCase()}${what.slice(1)} cho ${ids.length} nhiệm vụ đã chọn?`)) return;
    busy(b, true);
    try {
      const out = await api("POST", url, body);
      const refused = out.refused.map((r) => `${r.code}: ${r.message}`);
      const text = `Đã ${what} ${out.done.length} nhiệm vụ.` + (refused.length ? ` Không xử lý ${refused.length}: ${refused.join("; ")}` : "");
      flashNext(text);
      location.reload();
    } catch (err) { showError(box, err); busy(b, false); }
  });
});

// -- a task: delete a wrong evidence file; the notice's received date -------------------------

document.addEventListener("click", async (e) => {
  const b = e.target.closest("[data-delete-evidence]");
  if (!b) return;
  const task = $("#task").dataset.task;
  if (!confirm(`Xóa tệp minh chứng “${b.dataset.name}”?`)) return;
  busy(b, true);
  try {
    await api("DELETE", `/api/tracking/tasks/${task}/evidence/${b.dataset.deleteEvidence}`);
    flashNext(`Đã xóa minh chứng “${b.dataset.name}”.`);
    location.reload();
  } catch (err) { showError($("#evidence-error"), err); busy(b, false); }
});

document.addEventListener("DOMContentLoaded", () => {
  const form = $("#received-form");
  if (!form) return;
  const box = $("[data-error]", form);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearError(box);
    const d = formData(form);
    if (!d.received_on) {
      showError(box, { message: "Chưa nhập ngày nhận văn bản.", hint: "Nhập ngày theo dạng ngày/tháng/năm, ví dụ 05/09/2026." });
      return;
    }
    try {
      await api("POST", `/api/tracking/notices/${form.dataset.notice}/received`, { received_on: d.received_on });
      flashNext(`Đã ghi ngày nhận văn bản ${form.dataset.number}: ${VN_DATE.fromIso(d.received_on)}.`);
      location.reload();
    } catch (err) { showError(box, err); }
  });
});

// -- notifications -------------------------------------------------------------------------

PAGES.notifications = () => {
  document.addEventListener("click", async (e) => {
    const b = e.target.closest("[data-read]");
    if (!b) return;
    busy(b, true);
    try {
      await api("POST", `/api/tracking/notifications/${b.dataset.read}/read`);
      const row = b.closest("li");
      row.classList.remove("unread");
      b.replaceWith(el("span", { class: "muted" }, "đã đọc"));
    } catch (err) { flash(err.message, true); busy(b, false); }
  });
};

// -- print views ---------------------------------------------------------------------------

document.addEventListener("click", (e) => { if (e.target.closest("[data-print-now]")) window.print(); });

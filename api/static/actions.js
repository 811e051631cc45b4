/* ketluan web UI, the everyday actions of issue 15 (loaded after app.js, whose helpers it uses):
   editing, re-running and deleting meetings; editing users; the audit log; tracking in bulk;
   notifications. Every change goes through the JSON API. */
"use strict";

// -- meetings ------------------------------------------------------------------------------

PAGES["meeting-edit"] = () => {
  const form = $("#meeting-form");
  const box = $("[data-error]", form);
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

/* Dates as Vietnamese offices write them, dd/mm/yyyy, whatever the browser's language.
   <input type="date"> follows the browser's locale (mm/dd/yyyy in an English browser), so each
   one becomes a text box that shows and accepts dd/mm/yyyy, next to a hidden input that keeps
   the original name and the ISO value (yyyy-mm-dd) the server reads. Forms, FormData and
   app.js see the ISO value; people see and type the Vietnamese one. No dependencies. */
"use strict";

const VN_DATE = {
  pattern: /^\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})\s*$/,
  message: "Ngày không hợp lệ: nhập theo dạng ngày/tháng/năm, ví dụ 20/08/2026.",

  /** "20/8/2026" → "2026-08-20"; "" → ""; anything else (31/02/2026 too) → null. */
  toIso(text) {
    if (!text.trim()) return "";
    const iso = /^\s*(\d{4})-(\d{2})-(\d{2})\s*$/.exec(text);  // pasted from elsewhere: unambiguous
    const m = iso ? [null, iso[3], iso[2], iso[1]] : VN_DATE.pattern.exec(text);
    if (!m) return null;
    const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const date = new Date(Date.UTC(y, mo - 1, d));
    if (y < 1900 || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
    return `${y}-${String(mo).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
  },

  /** "2026-08-20" → "20/08/2026" ("" for anything that is not an ISO date). */
  fromIso(iso) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
    return m ? `${m[3]}/${m[2]}/${m[1]}` : "";
  },

  upgrade(input) {
    const hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.name = input.name;
    hidden.value = /^\d{4}-\d{2}-\d{2}$/.test(input.value) ? input.value : "";
    const note = document.createElement("span");
    note.className = "date-note";
    note.hidden = true;
    input.removeAttribute("name");
    input.type = "text";
    input.dataset.dateOf = hidden.name;
    input.classList.add("date-vn");
    Object.assign(input, { value: VN_DATE.fromIso(hidden.value), placeholder: "dd/mm/yyyy", maxLength: 10 });
    input.setAttribute("inputmode", "numeric");
    input.setAttribute("autocomplete", "off");
    input.title = "Ngày/tháng/năm, ví dụ 20/08/2026";
    input.after(hidden, note);

    const check = (final) => {
      const iso = VN_DATE.toIso(input.value);
      hidden.value = iso || "";
      input.setCustomValidity(iso === null ? VN_DATE.message : "");
      if (final) {
        if (iso) input.value = VN_DATE.fromIso(iso);  // 5/9/2026 → 05/09/2026
        note.textContent = iso === null ? VN_DATE.message : "";
        note.hidden = iso !== null;
      }
      return iso !== null;
    };
    input.addEventListener("input", () => { if (check(false)) note.hidden = true; });
    input.addEventListener("change", () => check(true));
    input.addEventListener("blur", () => check(true));
    input.vnDateCheck = check;
  },
};

document.addEventListener("DOMContentLoaded", () => {
  for (const input of document.querySelectorAll('input[type="date"]')) VN_DATE.upgrade(input);
});

// A form submitted with a date that does not parse is stopped here, before any page script
// sends it (capture phase), with the message next to the field: also for forms that skip the
// browser's own checks (novalidate).
document.addEventListener("submit", (e) => {
  const bad = Array.from(e.target.querySelectorAll("input[data-date-of]")).filter((i) => !i.vnDateCheck(true));
  if (bad.length) {
    e.preventDefault();
    e.stopImmediatePropagation();
    // the date's own message replaces the form's earlier one (a stale "Còn thiếu: …")
    const box = e.target.querySelector("[data-error]");
    if (box) { box.hidden = true; box.textContent = ""; }
    bad[0].focus();
  }
}, true);

"""The dashboard's SQL (overdue by unit, warning counts, the warnings list) agrees with the
pure status functions, day by day, on both backends."""

import random
from collections import Counter
from datetime import date, timedelta

import db
from tracking.reports import task_rows
from tracking.status import CONDITIONAL, FIXED, OPEN_OVERDUE, RECURRING, UNSET, WITHIN_DAYS, Rules
from tracking.warnings import overdue_by_unit, warning_counts, warnings_list


def test_sql_and_pure_functions_agree_over_simulated_days(engine):
    rnd = random.Random(3)
    start = date(2026, 1, 20)  # spans Tết 2026 and 30/4-1/5
    with db.session(engine) as s:
        office = db.Unit(code="VP", name="Văn phòng")
        units = [db.Unit(code=f"U{k}", name=f"Sở {k}") for k in range(4)]
        s.add_all([office, *units])
        s.flush()
        notice = db.TrackedNotice(unit_id=office.id, number="1-TB/TU", issued_on=start)
        s.add(notice)
        s.flush()
        for k in range(150):
            kind = rnd.choice([FIXED, FIXED, WITHIN_DAYS, RECURRING, CONDITIONAL, UNSET])
            due = start + timedelta(days=rnd.randint(0, 110)) if kind in (FIXED, WITHIN_DAYS) else None
            state = rnd.choice(["none", "none", "submitted", "returned"])
            reported = due + timedelta(days=rnd.randint(-5, 5)) if due and state == "submitted" else None
            done = bool(due) and rnd.random() < 0.2
            s.add(
                db.TrackedTask(
                    code=f"T{k}",
                    notice_id=notice.id,
                    seq=k + 1,
                    content=f"Việc {k}",
                    lead_unit_id=units[k % 4].id,
                    lead_name=units[k % 4].name,
                    supports=[],
                    deadline_kind=kind,
                    due_on=due,
                    result_state=state,
                    reported_on=reported,
                    done=done,
                    completed_on=due if done else None,
                    withdrawn=k % 37 == 0,
                )
            )
    rules = Rules(near_days=3, special_overdue_days=5)
    checked = Counter()
    with db.session(engine) as s:
        for offset in range(0, 130, 3):
            today = start + timedelta(days=offset)
            rows = task_rows(s, today, rules)
            listed = warnings_list(s, today, rules)
            expected = Counter(r.warning for r in rows if r.warning)
            assert Counter(w.level for w in listed) == expected, today
            assert {k: v for k, v in warning_counts(s, today, rules).items() if v} == expected, today
            overdue = Counter(r.lead for r in rows if r.status == OPEN_OVERDUE)
            assert {name: n for _, name, n, _ in overdue_by_unit(s, today, None, rules)} == dict(overdue), today
            checked.update(expected)
    assert min(checked.values()) > 20  # every level was really exercised

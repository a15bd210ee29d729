"""The command-line side of import runs: a progress line on stderr and the summary."""

from __future__ import annotations

from revier.core.imports.selectors import import_run_problems
from revier.core.models import ImportRun


def progress_line(stream):
    """A callback for ``import_run_execute(on_progress=…)`` that redraws one line on ``stream``
    when it is a terminal (a log file gets no carriage returns)."""
    if not stream.isatty():
        return None
    width = 30
    state = {"last": None}

    def show(processed: int, total: int | None) -> None:
        if total:
            done = int(width * processed / total)
            text = f"\r[{'#' * done}{'.' * (width - done)}] {processed}/{total}"
        else:
            text = f"\r{processed} …"
        if text != state["last"]:
            state["last"] = text
            stream.write(text, ending="")
            stream.flush()

    def finish() -> None:
        if state["last"] is not None:
            stream.write("")

    show.finish = finish
    return show


def summary_lines(run: ImportRun) -> list[str]:
    """The run as the commands print it: summary, counts, then every stored problem."""
    lines = [run.summary] if run.summary else []
    lines.append(
        f"created: {run.created_count}, changed: {run.changed_count}, "
        f"unchanged: {run.unchanged_count}, refused: {run.refused_count}"
    )
    problems = list(import_run_problems(run=run))
    for problem in problems:
        key = problem.record_key or "-"
        where = f"{problem.location} [{key}]" if problem.location else f"[{key}]"
        lines.append(f"refused {where}: {problem.message}")
    hidden = run.problem_count - len(problems)
    if hidden > 0:
        lines.append(f"… and {hidden} more problems (not stored).")
    return lines

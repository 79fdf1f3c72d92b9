"""A harvest job's report in plain words (the command line prints it; the web page shows the same)."""

from __future__ import annotations

from openingup.harvest.models import HarvestJob


def in_plain_words(job: HarvestJob) -> str:
    report = job.report or {}
    lines = [
        f"{job.status}: {job.created} created, {job.updated} updated, {job.unchanged} unchanged, "
        f"{job.withdrawn} withdrawn, {job.failed} failed ({report.get('pages', 0)} pages)."
    ]
    if job.error:
        lines.append(f"  error: {job.error}")
    lines += [f"  failed {f['id']}: {f['reason']}" for f in report.get("failed", [])]
    lines += [f"  withdrawn {remote_id}" for remote_id in report.get("withdrawn", [])]
    lines += [f"  warning: {w}" for w in report.get("warnings", [])]
    return "\n".join(lines)

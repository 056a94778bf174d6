"""Loading a DfE published CME file: all of it or, if any line has a problem, none of it.

Each term in the file replaces the term as loaded before when this release is newer (or the
same release, changed); a term an older release than the one held brings is kept as it is,
and the same file loaded again changes nothing. Called by the upload page and by
``manage.py load_dfe_benchmarks``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction

from cme_tracker.core import locks

from .benchmark_file import parse
from .benchmark_models import BenchmarkFigure, BenchmarkPeriod, BenchmarkRelease


@dataclass
class Loaded:
    """What a load did, term by term, or the problems that stopped it."""

    file_name: str
    published_on: date
    rows: int = 0
    problems: list[str] = field(default_factory=list)
    problem_count: int = 0
    release: BenchmarkRelease | None = None
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # a newer release holds them

    @property
    def loaded(self) -> bool:
        return not self.problem_count

    def summary(self) -> list[str]:
        """What happened, in plain words, a sentence a kind."""
        if not self.loaded:
            return [f"Nothing loaded: {self.problem_count} problem"
                    f"{'' if self.problem_count == 1 else 's'} in {self.rows} rows."]  # fmt: skip
        said = [f"{self.rows} rows read from {self.file_name}, the release published "
                f"{self.published_on:%-d %B %Y}."]  # fmt: skip
        for terms, what in ((self.added, "Loaded"), (self.replaced, "Replaced the release "
                            "held before"), (self.unchanged, "Already loaded, unchanged"),
                            (self.kept, "Kept as loaded from a newer release")):  # fmt: skip
            if terms:
                said.append(f"{what}: {', '.join(terms)}.")
        return said


def load(source, *, file_name: str, published_on: date, by=None) -> Loaded:
    """Check the whole file, then load each of its terms in one transaction."""
    result = Loaded(file_name=file_name, published_on=published_on)
    parsed = parse(source, file_name)
    result.rows, result.problems, result.problem_count = (
        parsed.rows, parsed.problems, parsed.problem_count)  # fmt: skip
    if not result.loaded:
        return result
    with transaction.atomic():
        locks.hold(locks.DFE_BENCHMARKS)
        held = {(p.time_period, p.term): p
                for p in BenchmarkPeriod.objects.select_related("release")}  # fmt: skip
        ordered = sorted(parsed.terms, key=lambda t: (t[0], BenchmarkPeriod.TERMS.index(t[1])))
        for term in ordered:
            digest = parsed.digest(term)
            period = held.get(term)
            label = BenchmarkPeriod(time_period=term[0], term=term[1]).label
            if period is not None and period.release.published_on > published_on:
                result.kept.append(f"{label} (published {period.release.published_on:%-d %B %Y})")
                continue
            if (period is not None and period.digest == digest
                    and period.release.published_on == published_on):  # fmt: skip
                result.unchanged.append(label)
                continue
            if result.release is None:
                result.release = BenchmarkRelease.objects.create(
                    published_on=published_on, file_name=file_name[:255], loaded_by=by,
                    rows=parsed.rows,
                )  # fmt: skip
            if period is None:
                period = BenchmarkPeriod.objects.create(
                    time_period=term[0], term=term[1], release=result.release, digest=digest
                )
                result.added.append(label)
            else:
                period.figures.all().delete()
                period.release, period.digest = result.release, digest
                period.save(update_fields=["release", "digest"])
                result.replaced.append(label)
            BenchmarkFigure.objects.bulk_create(
                (BenchmarkFigure(period=period, **figure) for figure in parsed.terms[term]),
                batch_size=2000,
            )
    return result

"""Scores follow catalogue events; aggregates per organisation and catalogue; fixes by points gained."""

from __future__ import annotations

from typing import Any

import pytest

from openingup.catalogue import services as catalogue
from openingup.catalogue.models import Dataset
from openingup.organisations.models import Organisation
from openingup.quality import queries, services
from openingup.quality.models import PendingScore, QualityScore


def test_catalogue_events_rescore_the_dataset(
    org: Organisation, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "enqueue", lambda name, **kw: None)
    with django_capture_on_commit_callbacks(execute=True):
        dataset = catalogue.create_dataset(
            actor=None, publisher=org, data={"title": {"en": "Bins"}, "description": {"en": "Waste bins."}}
        )
    services.score_pending()
    first = QualityScore.objects.get(dataset=dataset)
    with django_capture_on_commit_callbacks(execute=True):
        catalogue.update_dataset(actor=None, dataset=dataset, data={"keywords": {"en": ["waste"]}})
    services.score_pending()
    second = QualityScore.objects.get(dataset=dataset)
    assert second.total == first.total + 30
    assert {m["key"] for m in second.measurements if m["passed"]} >= {"keywords", "publisher", "issued"}
    with django_capture_on_commit_callbacks(execute=True):
        catalogue.delete_dataset(actor=None, dataset=dataset)
    assert not QualityScore.objects.exists()


def test_fixes_come_most_points_first(build: Any) -> None:
    # 30, 20, then two of 5 points in table order (rights before the date of issue)
    dataset = build(
        dataset={"keywords": {}, "issued": None}, distributions=[{"format": None, "rights": None}]
    )
    row = services.score_dataset(dataset_id=dataset.pk)
    assert row is not None
    assert [m.key for m in queries.fixes_for(row)] == ["keywords", "format", "rights", "issued"]


def test_a_failed_score_leaves_the_previous_one(build: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    dataset = build()
    before = services.score_dataset(dataset_id=dataset.pk)
    assert before is not None

    def broken(subject: Any) -> Any:
        raise RuntimeError("vocabulary unreadable")

    monkeypatch.setattr(services, "score", broken)
    with pytest.raises(RuntimeError):
        services.score_dataset(dataset_id=dataset.pk)
    assert QualityScore.objects.get(dataset=dataset).total == before.total == 405


def test_aggregates_per_organisation_and_catalogue(build: Any, org: Organisation) -> None:
    other = Organisation.objects.create(slug="zuid", name={"en": "South"})
    build()  # 405 excellent
    build(dataset={"keywords": {}, "themes": []})  # 345 good
    build(distributions=[])  # 185 sufficient
    theirs = build(status="draft")
    theirs.publisher = other
    theirs.save()
    assert services.score_all() == 4
    mine = queries.aggregate(queries.organisation_datasets(org))
    assert mine.scored == 3 and mine.average == pytest.approx((405 + 345 + 185) / 3)
    assert mine.bands == {"excellent": 1, "good": 1, "sufficient": 1, "bad": 0}
    assert mine.band == "good"  # 311.7
    assert mine.shares["keywords"] == pytest.approx(2 / 3) and mine.shares["publisher"] == 1.0
    assert mine.dimensions["findability"] == pytest.approx((100 + 40 + 100) / 3)
    public = queries.aggregate(queries.catalogue_datasets())
    assert public.scored == 3  # the draft is not in the public catalogue
    assert [r.total for r in queries.worst(queries.organisation_datasets(org), 2)] == [185, 345]


def test_score_all_only_missing(build: Any) -> None:
    build()
    assert services.score_all(only_missing=True) == 1
    assert services.score_all(only_missing=True) == 0


def test_events_note_the_dataset_and_the_task_scores_it_once(
    org: Organisation, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    queued: list[str] = []
    monkeypatch.setattr(services, "enqueue", lambda name, **kw: queued.append(name))
    with django_capture_on_commit_callbacks(execute=True):
        dataset = catalogue.create_dataset(
            actor=None, publisher=org, data={"title": {"en": "Bins"}, "description": {"en": "Waste bins."}}
        )
        catalogue.add_distribution(
            actor=None, dataset=dataset, data={"access_url": ["https://example.org/bins.csv"]}
        )
    assert queued and set(queued) == {"quality.score_pending"}
    assert PendingScore.objects.filter(dataset_id=dataset.pk).count() == 1
    assert not QualityScore.objects.exists()  # nothing computed inline
    assert services.score_pending() == 1
    assert QualityScore.objects.get(dataset=dataset).distribution_id is not None
    assert not PendingScore.objects.exists()


def test_a_broken_dataset_does_not_stop_the_pending_queue(
    build: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = build(), build()
    monkeypatch.setattr(services, "enqueue", lambda name, **kw: None)
    services.request_scoring(dataset_ids=[first.pk])
    services.request_scoring(dataset_ids=[second.pk, first.pk])  # noted again: still one row each
    assert PendingScore.objects.count() == 2
    real = services.score

    def flaky(subject: Any) -> Any:  # breaks the batch, then the first dataset on its own
        if subject.dataset.pk == first.pk:
            raise RuntimeError("broken")
        return real(subject)

    monkeypatch.setattr(services, "score", flaky)
    assert services.score_pending() == 2
    assert list(QualityScore.objects.values_list("dataset_id", flat=True)) == [second.pk]
    assert not PendingScore.objects.exists()


def test_a_batch_is_scored_as_each_dataset_on_its_own(build: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """One SHACL run for many datasets gives each the violations, measurements and total it gets alone."""
    from openingup.quality import subjects
    from openingup.quality.scoring import score
    from openingup.quality.subjects import subject_for, subjects_for

    datasets = [
        build(),
        build(dataset={"description": None}),
        build(distributions=[{"access_url": None}, {}]),
        build(),
    ]
    # One points at another (merged, the other's description would answer for it): it goes alone.
    Dataset.objects.filter(pk=datasets[3].pk).update(
        relations=[f"https://example.org/datasets/{datasets[1].slug}"], uri=""
    )
    Dataset.objects.filter(pk=datasets[1].pk).update(uri=f"https://example.org/datasets/{datasets[1].slug}")
    datasets = [Dataset.objects.get(pk=d.pk) for d in datasets]
    went_alone: list[Any] = []
    real_alone = subjects.dcat_ap_violations
    monkeypatch.setattr(subjects, "dcat_ap_violations", lambda d: went_alone.append(d.pk) or real_alone(d))
    batched = subjects_for(datasets)
    assert went_alone == [datasets[3].pk]
    alone = [subject_for(dataset) for dataset in datasets]
    assert alone[0].violations == [] and alone[3].violations == []
    assert alone[1].violations and alone[2].violations  # each its own problem, none of the other's
    assert not set(alone[1].violations) & set(alone[2].violations)
    for one, other in zip(batched, alone, strict=True):
        assert one.dataset.pk == other.dataset.pk
        assert one.violations == other.violations
        assert [d.pk for d in one.distributions] == [d.pk for d in other.distributions]
        assert dict(one.links) == dict(other.links)
        assert score(one).measurements == score(other).measurements
    monkeypatch.setattr(services, "enqueue", lambda name, **kw: None)
    services.request_scoring(dataset_ids=[d.pk for d in datasets])
    assert services.score_pending() == 4
    assert QualityScore.objects.count() == 4 and not PendingScore.objects.exists()
    assert QualityScore.objects.get(dataset=datasets[1]).total == score(alone[1]).total
    Dataset.objects.filter(pk=datasets[0].pk).update(keywords={})  # changed: the batch replaces its score
    assert services.score_datasets(dataset_ids=[d.pk for d in datasets]) == 4
    rescored = QualityScore.objects.get(dataset=datasets[0])
    fresh = Dataset.objects.get(pk=datasets[0].pk)
    assert QualityScore.objects.count() == 4 and rescored.total == score(subject_for(fresh)).total
    assert rescored.total == score(alone[0]).total - 30 and rescored.findability == 70

"""Export of a 20,000-dataset catalogue to Turtle: Opening Up's streaming writer vs rdflib.

Baseline (same run, same triples): build an rdflib Graph from the records and call
``serialize(format="turtle")``. Memory: peak traced allocations of the streaming export at 5,000 and
20,000 datasets (constant memory means the peak does not grow with the catalogue).

    .venv/bin/python bench/export_bench.py [--datasets 20000]
"""

from __future__ import annotations

import argparse
import tracemalloc
import uuid

from _setup import best_of, django_in_temp_home


def populate(n: int) -> None:
    from openingup.catalogue.models import Catalogue, Dataset, Distribution, Status
    from openingup.organisations.models import Organisation

    org = Organisation.objects.create(slug="bench", name={"en": "Bench municipality", "nl": "Bankgemeente"})
    Catalogue.objects.create(title={"en": "Bench"}, description={"en": "Benchmark catalogue"}, publisher=org)
    theme = "http://publications.europa.eu/resource/authority/data-theme/"
    rows, dists = [], []
    for i in range(n):
        pk = uuid.uuid4()
        rows.append(
            Dataset(
                id=pk,
                slug=f"dataset-{i}",
                status=Status.PUBLISHED,
                publisher=org,
                title={"nl": f"Parkeerbezetting {i}", "en": f"Parking occupancy {i}"},
                description={
                    "nl": f"Bezetting van parkeergarage {i} per kwartier.",
                    "en": f"Occupancy of garage {i}.",
                },
                keywords={"nl": ["parkeren", "verkeer"], "en": ["parking", "traffic"]},
                themes=[theme + "TRAN", theme + "REGI"],
                issued="2024-01-01",
                modified="2024-06-01T10:00:00Z",
                contact_points=[{"fn": {"": "Team Data"}, "email": "mailto:data@bench.test"}],
                temporal=[{"start": "2020-01-01", "end": "2024-12-31"}],
                frequency="http://publications.europa.eu/resource/authority/frequency/DAILY",
                access_rights="http://publications.europa.eu/resource/authority/access-right/PUBLIC",
            )
        )
        dists.append(
            Distribution(
                dataset_id=pk,
                access_url=[f"https://bench.test/files/{i}.csv"],
                format="http://publications.europa.eu/resource/authority/file-type/CSV",
                licence="http://publications.europa.eu/resource/authority/licence/CC_BY_4_0",
                byte_size=1000 + i,
            )
        )
    Dataset.objects.bulk_create(rows, batch_size=2000)
    Distribution.objects.bulk_create(dists, batch_size=2000)


def ours(limit: int | None = None) -> int:
    from openingup.catalogue.queries import public_datasets
    from openingup.catalogue.rdf import catalogue_page

    rows = public_datasets()
    if limit is not None:
        rows = rows.filter(pk__in=list(rows.values_list("pk", flat=True)[:limit]))
    size = 0
    for chunk in catalogue_page("ttl", page=None, datasets=rows):
        size += len(chunk)
    return size


def rdflib_baseline() -> int:
    import rdflib
    from django.db.models import Prefetch

    from openingup.catalogue.models import Distribution
    from openingup.catalogue.queries import public_datasets
    from openingup.catalogue.records import dataset_record
    from openingup.exchange.dcat.namespaces import PREFIXES
    from openingup.exchange.dcat.triples import IRI, Blank, BlankNodes, Literal, resources

    graph = rdflib.Graph()
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns)
    blank = BlankNodes()
    nodes: dict[str, rdflib.BNode] = {}

    def term(t: object) -> rdflib.term.Node:
        if isinstance(t, Literal):
            return rdflib.Literal(
                t.value, lang=t.lang, datatype=rdflib.URIRef(t.datatype) if t.datatype else None
            )
        if isinstance(t, Blank):
            return nodes.setdefault(t, rdflib.BNode())
        assert isinstance(t, IRI | str)
        return rdflib.URIRef(t)

    rows = (
        public_datasets()
        .select_related("publisher")
        .prefetch_related(Prefetch("distributions", Distribution.objects.all()))
    )
    for dataset in rows.iterator(chunk_size=500):
        for subject, pairs in resources(
            "dataset", dataset_record(dataset, distributions=list(dataset.distributions.all())), blank
        ):
            s = term(subject)
            for p, o in pairs:
                graph.add((s, rdflib.URIRef(p), term(o)))
    return len(graph.serialize(format="turtle"))


def peak_mb(fn: object, *args: object) -> float:
    tracemalloc.start()
    fn(*args)  # type: ignore[operator]
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--datasets", type=int, default=20_000)
    args = parser.parse_args()
    django_in_temp_home()
    populate(args.datasets)
    size = ours()
    t_ours = best_of(3, ours)
    t_base = best_of(1, rdflib_baseline)
    print(f"datasets: {args.datasets:,}   Turtle: {size / 1e6:.1f} MB")
    print(f"opening up streaming export : {t_ours:8.2f} s")
    print(f"rdflib Graph + serialize    : {t_base:8.2f} s")
    print(f"ratio (rdflib / ours)       : {t_base / t_ours:8.1f}x  (goal >= 5x)")
    quarter, half = args.datasets // 4, args.datasets // 2
    peaks = [peak_mb(ours, n) for n in (quarter, half, args.datasets)]
    print(
        f"peak traced memory at {quarter:,} / {half:,} / {args.datasets:,} datasets: "
        + " / ".join(f"{p:.1f}" for p in peaks)
        + " MB (constant memory: flat, not proportional)"
    )


if __name__ == "__main__":
    main()

"""Server time per request, measured in-process with Django's test client (no network):

* DCAT-AP of one dataset (``/datasets/<slug>.ttl``) — goal ≤ 5 ms; baseline in the same run: building
  an rdflib Graph of the same record and serialising it (ckanext-dcat's approach); peer figure from
  PEERS.md: ckanext-dcat 17.5 ms on this machine kind.
* Dataset create through the API (``POST /api/v1/datasets``) — goal ≤ 15 ms; peer figure from
  PEERS.md: CKAN 2.12 ``package_create`` 27 ms without search indexing.

    .venv/bin/python bench/request_bench.py [--requests 300] [--with-ckan [--openingup-postgres]]

``--with-ckan`` also runs the peer in this run (``bench/ckan_peer.py``): CKAN 2.12 + ckanext-dcat in a
virtualenv of its own, and Opening Up served by ``openingup serve``, both timed over HTTP with the same
client, and prints the measured ratios below the in-process numbers (instead of trusting PEERS.md).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from _setup import django_in_temp_home

CKANEXT_DCAT_MS = 17.5
CKAN_CREATE_MS = 27.0


def median_ms(fn: object, n: int) -> float:
    times = []
    for i in range(n):
        start = time.perf_counter()
        fn(i)  # type: ignore[operator]
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument(
        "--with-ckan", action="store_true", help="Also measure CKAN 2.12 and Opening Up over HTTP."
    )
    parser.add_argument(
        "--openingup-postgres",
        action="store_true",
        help="With --with-ckan: serve Opening Up on PostgreSQL (CKAN's database) instead of SQLite.",
    )
    args = parser.parse_args()
    django_in_temp_home()
    import rdflib
    from django.test import Client

    from openingup.catalogue.demo.loader import load_demo
    from openingup.catalogue.models import Dataset
    from openingup.catalogue.rdf import dataset_resources
    from openingup.organisations.models import Membership, Organisation
    from openingup.organisations.services import create_token, create_user

    load_demo()
    dataset = Dataset.objects.filter(status="published").order_by("slug").first()
    assert dataset is not None
    client = Client()
    url = f"/datasets/{dataset.slug}.ttl"
    assert client.get(url).status_code == 200

    def ours(_: int) -> None:
        response = client.get(url)
        assert response.status_code == 200

    def baseline(_: int) -> None:
        graph = rdflib.Graph()
        nodes: dict[str, rdflib.BNode] = {}
        for subject, pairs in dataset_resources(dataset):
            s = (
                nodes.setdefault(subject, rdflib.BNode())
                if subject.__class__.__name__ == "Blank"
                else rdflib.URIRef(subject)
            )
            for p, o in pairs:
                if hasattr(o, "value"):
                    dt = rdflib.URIRef(o.datatype) if o.datatype else None
                    obj: rdflib.term.Node = rdflib.Literal(o.value, lang=o.lang, datatype=dt)
                elif o.__class__.__name__ == "Blank":
                    obj = nodes.setdefault(o, rdflib.BNode())
                else:
                    obj = rdflib.URIRef(o)
                graph.add((s, rdflib.URIRef(p), obj))
        graph.serialize(format="turtle")

    t_ours = median_ms(ours, args.requests)
    t_base = median_ms(baseline, args.requests)
    print(f"DCAT-AP of one dataset (.ttl), median of {args.requests}:")
    print(f"  opening up endpoint            : {t_ours:6.2f} ms (goal <= 5 ms)")
    print(f"  rdflib graph + serialize (same): {t_base:6.2f} ms  -> {t_base / t_ours:.1f}x")
    print(f"  ckanext-dcat (PEERS.md figure) : {CKANEXT_DCAT_MS:6.2f} ms  -> {CKANEXT_DCAT_MS / t_ours:.1f}x")

    org = Organisation.objects.exclude(kind="external").order_by("slug").first()
    assert org is not None
    user = create_user(username="bench", password="bench password 123")
    Membership.objects.create(user=user, organisation=org, role="editor")
    _, secret = create_token(actor=user, user=user, name="bench")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    def create(i: int) -> None:
        body = {
            "publisher": org.slug,
            "title": {"nl": f"Meetpunten {i}", "en": f"Measuring points {i}"},
            "description": {"nl": "Meetpunten luchtkwaliteit", "en": "Air quality measuring points"},
            "keywords": {"nl": ["lucht"], "en": ["air"]},
            "themes": ["http://publications.europa.eu/resource/authority/data-theme/ENVI"],
        }
        response = client.post(
            "/api/v1/datasets", json.dumps(body), content_type="application/json", **headers
        )
        assert response.status_code == 201, response.content

    t_create = median_ms(create, args.requests)
    print(f"Dataset create through the API, median of {args.requests}:")
    print(f"  opening up POST /api/v1/datasets: {t_create:6.2f} ms (goal <= 15 ms)")
    print(
        f"  CKAN 2.12 package_create (PEERS) : {CKAN_CREATE_MS:6.2f} ms  -> {CKAN_CREATE_MS / t_create:.1f}x"
    )
    if args.with_ckan:
        import ckan_peer

        peer = ckan_peer.run(args.requests, args.openingup_postgres)
        print()
        ckan_peer.print_table(peer)
        ck_ttl, ou_ttl = peer["ttl"]["ckan"].median, peer["ttl"]["openingup"].median
        ck_new, ou_new = peer["create"]["ckan"].median, peer["create"]["openingup"].median
        print("Measured in this run, both over HTTP (the ratios to quote instead of the PEERS.md figures):")
        print(
            f"  .ttl  : CKAN {ck_ttl:6.2f} ms / Opening Up {ou_ttl:6.2f} ms -> {ck_ttl / ou_ttl:.1f}x"
            f"  (PEERS.md figure: {CKANEXT_DCAT_MS:.1f} ms)"
        )
        print(
            f"  create: CKAN {ck_new:6.2f} ms / Opening Up {ou_new:6.2f} ms -> {ck_new / ou_new:.1f}x"
            f"  (PEERS.md figure: {CKAN_CREATE_MS:.1f} ms)"
        )
        print(
            f"  Opening Up over HTTP vs in-process above: .ttl {ou_ttl:.2f} vs {t_ours:.2f} ms, "
            f"create {ou_new:.2f} vs {t_create:.2f} ms"
        )
        print(
            f"  (CKAN install {peer['install_seconds']:.1f} s, set-up {peer['setup_seconds']:.1f} s, "
            f"measuring {peer['measure_seconds']:.1f} s)"
        )


if __name__ == "__main__":
    main()
